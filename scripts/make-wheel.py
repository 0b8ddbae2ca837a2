#!/usr/bin/env python3
"""Writes a wheel (PEP 427) that carries a staged tributary install.

The package `tributary_engine` holds the stage as it is (bin/tributary with
RUNPATH $ORIGIN/../lib/tributary, lib/tributary/*.so); its console script
`tributary` replaces the Python process with the binary, so exit status,
signals and output are the binary's own. Called by scripts/package.sh.
"""
import argparse
import base64
import hashlib
import os
import stat
import sys
import zipfile

DIST = "tributary_engine"
PROJECT = "tributary-engine"

LAUNCHER = '''"""The tributary command, installed from the tributary-engine wheel."""
import os
import sys

BINARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "tributary")


def main():
    """Runs the bundled tributary binary with this process's arguments."""
    os.execv(BINARY, [BINARY] + sys.argv[1:])


if __name__ == "__main__":
    main()
'''


def record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def add(archive, records, arcname, data, executable=False):
    info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
    records.append(record_line(arcname, data))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, help="the staged install (bin/, lib/tributary/)")
    parser.add_argument("--version", required=True)
    parser.add_argument("--platform", required=True, help="e.g. manylinux_2_34_x86_64")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    tag = f"py3-none-{args.platform}"
    wheel_path = os.path.join(args.out, f"{DIST}-{args.version}-{tag}.whl")
    info_dir = f"{DIST}-{args.version}.dist-info"
    metadata = (
        "Metadata-Version: 2.1\n"
        f"Name: {PROJECT}\n"
        f"Version: {args.version}\n"
        "Summary: tributary: multi-frequency loads into a lakehouse's bronze layer "
        "(the native binary, as a Python package)\n"
        "Requires-Python: >=3.8\n"
    )
    wheel = (
        "Wheel-Version: 1.0\n"
        "Generator: tributary scripts/make-wheel.py\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {tag}\n"
    )
    entry_points = f"[console_scripts]\ntributary = {DIST}.__main__:main\n"

    records = []
    with zipfile.ZipFile(wheel_path, "w") as archive:
        add(archive, records, f"{DIST}/__init__.py",
            b'"""tributary, the native binary packaged for pip."""\n')
        add(archive, records, f"{DIST}/__main__.py", LAUNCHER.encode())
        for sub in ("bin", os.path.join("lib", "tributary")):
            folder = os.path.join(args.root, sub)
            for name in sorted(os.listdir(folder)):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    data = f.read()
                executable = bool(os.stat(path).st_mode & stat.S_IXUSR) and sub == "bin"
                add(archive, records, f"{DIST}/{sub}/{name}".replace(os.sep, "/"), data, executable)
        add(archive, records, f"{info_dir}/METADATA", metadata.encode())
        add(archive, records, f"{info_dir}/WHEEL", wheel.encode())
        add(archive, records, f"{info_dir}/entry_points.txt", entry_points.encode())
        records.append(f"{info_dir}/RECORD,,")
        add_record = "\n".join(records) + "\n"
        info = zipfile.ZipInfo(f"{info_dir}/RECORD", date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        archive.writestr(info, add_record)
    print(wheel_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
