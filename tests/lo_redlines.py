"""Accept or reject all tracked changes in LibreOffice itself, through its UNO API.

Two halves in one file. The tests import `run_jobs`, which starts this file under the system
Python (the one with LibreOffice's `uno` module, Debian's python3-uno); that process starts
one headless LibreOffice, and for each job loads the .docx, dispatches
`.uno:AcceptAllTrackedChanges` or `.uno:RejectAllTrackedChanges` exactly as the menu does, and
stores the result as .docx. It reports how many tracked changes LibreOffice saw before and
after, so a test can tell that the changes were really there and really resolved.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SYSTEM_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")
COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}


# -- the test side (any Python) ------------------------------------------------------------


def uno_python() -> str | None:
    """A Python that can `import uno`, or None."""
    for python in SYSTEM_PYTHONS:
        if Path(python).exists() and subprocess.run([python, "-c", "import uno"],
                                                    capture_output=True).returncode == 0:
            return python
    return None


def run_jobs(jobs: list[dict], work: Path, timeout: int = 300) -> list[dict]:
    """Run jobs {"in": path, "action": "accept"|"reject"|"none", "out": path} in one LibreOffice.

    Returns per job {"before": n, "after": n} (tracked changes seen). Fails the test with
    instructions when LibreOffice or its Python bridge is missing: never a silent skip.
    """
    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice mangler (soffice): kør scripts/system-deps.sh, eller 'make test', som gør det")
    python = uno_python()
    if not python:
        pytest.fail("LibreOffices Python-bro mangler: installer python3-uno (apt-get install -y python3-uno) "
                    f"til systemets python ({', '.join(SYSTEM_PYTHONS)})")
    work.mkdir(parents=True, exist_ok=True)
    spec = work / f"jobs-{uuid.uuid4().hex}.json"
    spec.write_text(json.dumps({"soffice": soffice, "jobs": [{k: str(v) for k, v in j.items()} for j in jobs]}))
    done = subprocess.run([python, __file__, str(spec)], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"LibreOffice-kørslen fejlede ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


# -- the LibreOffice side (system Python with uno) -----------------------------------------


def _connect(soffice: str, profile: str, pipe: str):
    import uno
    from com.sun.star.connection import NoConnectException

    process = subprocess.Popen(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore",
         "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "soffice.err"), "wb"))
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 60
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice started no UNO listener") from None
            time.sleep(0.2)
    return process, ctx


def _prop(name, value):
    import uno
    return uno.createUnoStruct("com.sun.star.beans.PropertyValue", Name=name, Value=value)


def _count(document) -> int:
    # getCount, not an enumeration: each enumerated element is a SwXRedline listening on its
    # change, and LibreOffice 7.4 aborted (SIGABRT in SvtBroadcaster::Broadcast) on those of a
    # table's cell changes, about one run in six when the machine was busy.
    return document.getRedlines().getCount()


def _last_words(process, profile: str) -> None:
    """When a job failed because LibreOffice died (a crash aborts only after writing its stack),
    put its exit status and the end of its stderr beside the traceback."""
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        return
    print(f"soffice exited with {process.returncode}:", file=sys.stderr)
    print(Path(profile, "soffice.err").read_text(errors="replace")[-1500:], file=sys.stderr, flush=True)


def _run(spec: dict) -> list[dict]:
    import uno

    profile = tempfile.mkdtemp(prefix="lo-uno-")
    process, ctx = _connect(spec["soffice"], profile, f"aftaler{os.getpid()}")
    results = []
    try:
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for job in spec["jobs"]:
            # Named on stderr first, so a LibreOffice that dies mid-job says which job it was.
            print(f"job: {job['action']} {job['in']}", file=sys.stderr, flush=True)
            url = uno.systemPathToFileUrl(os.path.abspath(job["in"]))
            document = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
            try:
                before = _count(document)
                if job["action"] in COMMANDS:
                    frame = document.getCurrentController().getFrame()
                    dispatcher.executeDispatch(frame, COMMANDS[job["action"]], "", 0, ())
                after = _count(document)
                out = uno.systemPathToFileUrl(os.path.abspath(job["out"]))
                document.storeToURL(out, (_prop("FilterName", "MS Word 2007 XML"),))
            finally:
                document.close(True)
            results.append({"before": before, "after": after})
    except Exception:
        _last_words(process, profile)
        raise
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the process is killed below anyway
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return results


if __name__ == "__main__":
    print(json.dumps(_run(json.loads(Path(sys.argv[1]).read_text()))))
