import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../scripts/ensure-binary.sh", import.meta.url));

describe("scripts/ensure-binary.sh", () => {
  it("removes the policy-rc.d it created when apt-get fails, also under set -euo pipefail", async () => {
    const bin = await mkdtemp(join(tmpdir(), "ensure-binary-"));
    // As root, with an apt-get whose update works and whose install fails.
    await writeFile(join(bin, "id"), "#!/bin/sh\necho 0\n");
    await writeFile(join(bin, "apt-get"), '#!/bin/sh\n[ "$1" = update ] && exit 0\necho "E: Unable to locate package $3" >&2\nexit 100\n');
    for (const name of ["id", "apt-get"]) await chmod(join(bin, name), 0o755);
    const policy = join(bin, "policy-rc.d");
    const { status, stdout, stderr } = spawnSync(
      "bash",
      ["-c", `set -euo pipefail; source "${script}"; ensure_binary Fake "" FAKE_BINARY_PATH fake-package "the fake tests" "build it"`],
      { env: { PATH: `${bin}:/usr/bin:/bin`, POLICY_RC_D_PATH: policy }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect({ status, stdout, stderr, policyLeft: existsSync(policy) }).toStrictEqual({
      status: 100,
      stdout: "Fake is missing: installing Debian's fake-package package (the fake tests need it).\n",
      stderr: "E: Unable to locate package fake-package\n",
      policyLeft: false,
    });
  });
});
