/**
 * The models of the assignment operations: who may exchange a Microsoft Entra token for a
 * Communication Services token, for Teams Phone extensibility and for Microsoft Entra ID users.
 */
import type { OperationOptions } from "./models.js";

/**
 * The principal types of a Teams Phone extensibility assignment, by name, for autocompletion:
 * `KnownTeamsExtensionPrincipalType.ResourceAccount` is `"resourceAccount"`.
 */
export const KnownTeamsExtensionPrincipalType = {
  /** A Teams user. */
  User: "user",
  /** A Teams resource account (e.g. of a call queue or auto attendant). */
  ResourceAccount: "resourceAccount",
} as const;

/**
 * Who a Teams Phone extensibility assignment is for: one of
 * {@link KnownTeamsExtensionPrincipalType}'s values, or a type the service added since.
 */
export type TeamsExtensionPrincipalType = "user" | "resourceAccount" | (string & {});

/** A Teams Phone extensibility assignment, as the service returns it. */
export interface TeamsExtensionAssignment {
  /** The Entra object id of the user or resource account. */
  objectId: string;
  /** The Entra tenant id. */
  tenantId: string;
  /** Whether `objectId` is a user or a resource account. */
  principalType: TeamsExtensionPrincipalType;
  /** The Entra application (client) ids allowed to exchange tokens for it; absent when not restricted. */
  clientIds?: string[];
}

/** What {@link CommunicationIdentityClient.setTeamsExtensionAssignment} sends. */
export interface TeamsExtensionAssignmentInput {
  /** Whether the object is a user or a resource account; a non-empty string. */
  principalType: TeamsExtensionPrincipalType;
  /** The Entra application (client) ids, GUIDs, allowed to exchange tokens for it. @defaultValue not sent */
  clientIds?: readonly string[];
}

/**
 * The principal types of a Microsoft Entra ID assignment, by name, for autocompletion:
 * `KnownEntraPrincipalType.Tenant` is `"tenant"`.
 */
export const KnownEntraPrincipalType = {
  /** One Entra user. */
  User: "user",
  /** The members of an Entra group (the exchanged token must carry the group in its `groups` claim). */
  Group: "group",
  /** Every user of the tenant. */
  Tenant: "tenant",
} as const;

/**
 * Who a Microsoft Entra ID assignment is for: one of {@link KnownEntraPrincipalType}'s values,
 * or a type the service added since.
 */
export type EntraPrincipalType = "user" | "group" | "tenant" | (string & {});

/** A Microsoft Entra ID assignment, as the service returns it. */
export interface EntraAssignment {
  /** The Entra object id the assignment is for: of a user, a group or a tenant. */
  objectId: string;
  /** The Entra tenant id. */
  tenantId: string;
  /** Whether `objectId` is a user, a group or the whole tenant. */
  principalType: EntraPrincipalType;
  /** The Entra application (client) ids allowed to exchange tokens for it. */
  clientIds: string[];
}

/** What {@link CommunicationIdentityClient.setEntraAssignment} sends, and each value of an update. */
export interface EntraAssignmentInput {
  /** The Entra tenant id, a GUID. */
  tenantId: string;
  /** Whether the object is a user, a group or the whole tenant; a non-empty string. */
  principalType: EntraPrincipalType;
  /** The Entra application (client) ids, GUIDs, allowed to exchange tokens for it; may be empty. */
  clientIds: readonly string[];
}

/** Options of {@link CommunicationIdentityClient.getTeamsExtensionAssignment}. */
export type GetTeamsExtensionAssignmentOptions = OperationOptions;
/** Options of {@link CommunicationIdentityClient.setTeamsExtensionAssignment}. */
export type SetTeamsExtensionAssignmentOptions = OperationOptions;
/** Options of {@link CommunicationIdentityClient.deleteTeamsExtensionAssignment}. */
export type DeleteTeamsExtensionAssignmentOptions = OperationOptions;
/** Options of {@link CommunicationIdentityClient.listEntraAssignments}: they apply to each page's request. */
export type ListEntraAssignmentsOptions = OperationOptions;
/** Options of {@link CommunicationIdentityClient.getEntraAssignment}. */
export type GetEntraAssignmentOptions = OperationOptions;
/** Options of {@link CommunicationIdentityClient.setEntraAssignment}. */
export type SetEntraAssignmentOptions = OperationOptions;
/** Options of {@link CommunicationIdentityClient.deleteEntraAssignment}. */
export type DeleteEntraAssignmentOptions = OperationOptions;
/** Options of {@link CommunicationIdentityClient.updateEntraAssignments}. */
export type UpdateEntraAssignmentsOptions = OperationOptions;
