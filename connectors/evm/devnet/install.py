"""Install the pinned npm packages (anvil, protocol artifacts, solc) into the cache with `npm ci`."""

from __future__ import annotations

import shutil
import subprocess

from connectors.errors import ConfigError
from connectors.evm.devnet import home

_MARKER = ".defai-installed"


def lockfile_hash() -> str:
    src = home.npm_source_dir()
    return home.file_sha256(src / "package.json", src / "package-lock.json")


def ensure_installed() -> None:
    """`npm ci` from the lockfile unless the cache already holds exactly this lockfile's install."""
    src = home.npm_source_dir()
    if not (src / "package-lock.json").is_file():
        raise ConfigError(f"devnet package lock not found in {src} (set DEFAI_DEVNET_NPM_DIR)")
    target = home.npm_dir()
    marker = target / _MARKER
    wanted = lockfile_hash()
    if marker.is_file() and marker.read_text().strip() == wanted and home.anvil_binary().is_file():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise ConfigError(
            "the devnet needs Node.js and npm (to install anvil and the protocol artifacts); "
            "install them, e.g. `apt-get install nodejs npm`, then retry"
        )
    target.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(src / name, target / name)
    proc = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ConfigError(f"`npm ci` for the devnet failed in {target}:\n{proc.stderr.strip()[-2000:]}")
    if not home.anvil_binary().is_file():
        raise ConfigError(f"npm installed, but no anvil binary at {home.anvil_binary()}")
    home.anvil_binary().chmod(0o755)
    marker.write_text(wanted + "\n")
