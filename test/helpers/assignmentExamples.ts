/**
 * The REST specification's examples of the assignment operations (Azure/azure-rest-api-specs,
 * `specification/communication/data-plane/Identity/preview/2025-03-02-preview/examples/`, as
 * quoted in /work/shared/IDENTITY-API.md), verbatim: request bodies and response bodies.
 */

import type { ProxyReply } from "./recordingProxy.js";

export const TENANT_ID = "c70d068c-2f32-484d-9455-73070cd5aadd";
export const OBJECT_ID = "b27b64b9-39d2-44a3-869d-67700b74e805";
export const CLIENT_ID = "617d08b5-f35b-4270-87d6-56833d2dee1b";

/** GetTeamsExtensionAssignment.json and CreateOrReplaceTeamsExtensionAssignment.json (200 and 201): the same body. */
export const TEAMS_EXTENSION_ASSIGNMENT = { objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "resourceAccount" };

/** CreateOrReplaceTeamsExtensionAssignment.json's request body. */
export const TEAMS_EXTENSION_REQUEST = { principalType: "resourceAccount" };

/** GetEntraAssignment.json, and the 200 and 201 of CreateOrReplaceEntraAssignment.json. */
export const ENTRA_ASSIGNMENT = { objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] };

/** CreateOrReplaceEntraAssignment.json's request body (its principalType as the example has it). */
export const ENTRA_REQUEST = { tenantId: TENANT_ID, principalType: "teamsResourceAccount", clientIds: [CLIENT_ID] };

/** ListEntraAssignments.json's 200 body. */
export const ENTRA_LIST = {
  value: [
    ENTRA_ASSIGNMENT,
    { objectId: "fd63f3cb-3731-4d15-8e47-9d062aba58c5", tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] },
  ],
  nextLink: "nextLink",
};

/** UpdateEntraAssignments.json's request body, in its key order. */
export const ENTRA_UPDATE_REQUEST = {
  [OBJECT_ID]: { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] },
  "eaf4bdca-9343-492B-a5e2-9310fbe393b8": null,
  "fd63f3cb-3731-4d15-8e47-9d062aba58c5": { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] },
};

/** UpdateEntraAssignments.json's 200 body. */
export const ENTRA_UPDATE_RESPONSE = { value: ENTRA_LIST.value };

/**
 * The example answer to an assignment request, as a recording proxy replies in place of the
 * emulator: the list as one page; `undefined` (forward) for any other request.
 */
export function exampleReply({ method, path }: { method: string; path: string }): ProxyReply | undefined {
  if (!path.startsWith("/access/")) return undefined;
  const teams = path.startsWith("/access/teamsExtension/");
  const list = path.startsWith("/access/entra/assignments?");
  const [status, body]: [number, unknown?] =
    method === "DELETE"
      ? [204]
      : method === "PATCH"
        ? [200, ENTRA_UPDATE_RESPONSE]
        : [method === "PUT" ? 201 : 200, teams ? TEAMS_EXTENSION_ASSIGNMENT : list ? { value: ENTRA_LIST.value } : ENTRA_ASSIGNMENT];
  // The service's correlation vector, as every answer of the service carries one.
  const cv = { "ms-cv": "YXNzaWdubWVudHM.0" };
  if (body === undefined) return { status, headers: cv };
  return { status, headers: { ...cv, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}
