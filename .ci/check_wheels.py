"""The runtime dependencies (pyproject's [project] dependencies) resolve to wheels on the counselors' laptops.

For each platform tag and CPython version, pip resolves the dependency set as if installing there
(`pip install --dry-run --only-binary=:all: --platform TAG --python-version V --implementation cp --target ...`):
nothing is installed or built, and a dependency without a wheel for that platform fails the resolution.

pip evaluates environment markers for the machine it runs on, not for --platform, so a requirement only
Windows or macOS has (keyring's pywin32-ctypes on Windows, say) would go unchecked. So the wheels pip picked
are walked again from the top with the target's markers; a requirement the target needs that is not among
them is added to the set and the platform resolved again, until nothing is missing. What is printed is the
target's own set (a Linux-only requirement pip picked for this machine is left out and counted).

Run by .ci/check-wheels.sh (and so by .ci/run); exit status 1 when any platform fails.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]

# The marker environment of each target, and the tags pip is given for it: a glibc 2.28 Linux also takes
# wheels built for an older glibc (manylinux_2_17, manylinux2014...), which pip does not infer from one tag.
TARGETS = {
    "win_amd64": ({"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
                   "platform_machine": "AMD64"}, ["win_amd64"]),
    "macosx_11_0_arm64": ({"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin",
                           "platform_machine": "arm64"}, ["macosx_11_0_arm64"]),
    "manylinux_2_28_x86_64": ({"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
                               "platform_machine": "x86_64"},
                              [f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)]
                              + ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"]),
}
# Checked only when named (`.ci/check-wheels.sh macosx_11_0_x86_64 3.12`): Intel Macs, ARM Windows and Linux.
MORE = {
    "macosx_11_0_x86_64": ({"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin",
                            "platform_machine": "x86_64"}, ["macosx_11_0_x86_64"]),
    "win_arm64": ({"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
                   "platform_machine": "ARM64"}, ["win_arm64"]),
    "manylinux_2_28_aarch64": ({"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
                                "platform_machine": "aarch64"},
                               [f"manylinux_2_{minor}_aarch64" for minor in range(28, 16, -1)] + ["manylinux2014_aarch64"]),
}
DEFAULT = list(TARGETS)
TARGETS.update(MORE)


def runtime_dependencies() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


def environment(target: str, version: str) -> dict[str, str]:
    markers, _ = TARGETS[target]
    return {**markers, "python_version": version, "python_full_version": f"{version}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "implementation_version": f"{version}.0", "platform_release": "", "platform_version": ""}


def resolve(requirements: list[str], target: str, version: str, work: Path) -> tuple[dict | None, str]:
    """pip's report of the wheels it would install there, or None and what pip said."""
    report = work / f"{target}-{version}.json"
    tags = [arg for tag in TARGETS[target][1] for arg in ("--platform", tag)]
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed",
                           "--only-binary=:all:", *tags, "--python-version", version, "--implementation", "cp",
                           "--target", str(work / "target"), "--report", str(report), *requirements],
                          capture_output=True, text=True)
    if done.returncode != 0:
        said = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and "is ignored: it is neither" not in line]
        return None, "\n".join(said[-12:])
    return json.loads(report.read_text(encoding="utf-8")), ""


def needed_on_target(report: dict, top: list[str], env: dict[str, str]) -> tuple[dict[str, dict], list[str]]:
    """The resolved items the target needs (walked from `top` with its markers), and the requirements it
    needs that pip did not resolve (they were behind a marker false on this machine)."""
    items = {canonicalize_name(item["metadata"]["name"]): item for item in report["install"]}
    needed: dict[str, dict] = {}
    missing: list[str] = []
    queue: list[tuple[Requirement, str]] = [(Requirement(text), "") for text in top]
    seen: set[tuple[str, frozenset[str]]] = set()
    while queue:
        requirement, wanted_by_extra = queue.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({**env, "extra": wanted_by_extra}):
            continue
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        item = items.get(name)
        if item is None:
            missing.append(str(Requirement(re.sub(r";.*$", "", str(requirement)))))
            continue
        needed[name] = item
        for text in item["metadata"].get("requires_dist", []):
            child = Requirement(text)
            for extra in [""] + sorted(requirement.extras):
                if child.marker is None or child.marker.evaluate({**env, "extra": extra}):
                    queue.append((Requirement(re.sub(r";.*$", "", text)), ""))
                    break
    return needed, missing


def check(target: str, version: str, work: Path) -> bool:
    top = runtime_dependencies()
    env = environment(target, version)
    extra: list[str] = []
    for _ in range(5):
        report, said = resolve(top + extra, target, version, work)
        label = f"{target} cp{version.replace('.', '')}"
        if report is None:
            print(f"FAIL {label}: no wheel for every dependency")
            print("\n".join(f"       {line}" for line in said.splitlines()))
            return False
        needed, missing = needed_on_target(report, top, env)
        if not missing:
            wheels = sorted(item["download_info"]["url"].rsplit("/", 1)[-1] for item in needed.values())
            left_out = sorted(item["metadata"]["name"] for item in report["install"]
                              if canonicalize_name(item["metadata"]["name"]) not in needed)
            note = f"; not needed there (this machine's markers only): {', '.join(left_out)}" if left_out else ""
            print(f"OK   {label}: {len(wheels)} wheels{note}"
                  + (f" (with target-only {', '.join(extra)})" if extra else ""))
            for wheel in wheels:
                print(f"       {wheel}")
            return True
        extra += [m for m in missing if m not in extra]
    print(f"FAIL {target} cp{version}: requirements still missing after five rounds: {', '.join(missing)}")
    return False


def main(argv: list[str]) -> int:
    targets = [a for a in argv if a in TARGETS] or DEFAULT
    versions = [a for a in argv if re.fullmatch(r"3\.\d+", a)] or ["3.11", "3.12"]
    print("runtime dependencies (pyproject.toml):", ", ".join(runtime_dependencies()))
    with tempfile.TemporaryDirectory(prefix="check-wheels.") as tmp:
        failed = [f"{t}/cp{v}" for t in targets for v in versions if not check(t, v, Path(tmp))]
    if failed:
        print("check-wheels: FAILED for", " ".join(failed))
        return 1
    print(f"check-wheels: every runtime dependency has a wheel for {' '.join(targets)} (CPython {' '.join(versions)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
