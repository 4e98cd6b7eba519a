"""Profile or time the build of full-size sets in one process (issue 19):

    python benchmarks/generate.py 4 /tmp/p4
    python benchmarks/profile_set.py /tmp/p4 profile      # cProfile of copies 2–4, by tottime and cumtime
    python benchmarks/profile_set.py /tmp/p4 time 3       # CPU seconds per set, 3 passes over copies 2–4

Copy 1 is the warm-up (imports, compiled templates). `SRC=<folder>` imports aftaler from that
folder instead (e.g. a `git archive` of the commit before a change), for a side-by-side run.
"""
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

if os.environ.get("SRC"):  # the editable install's finder would win over sys.path
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
    sys.path.insert(0, os.environ["SRC"])

from aftaler.build import freshness, pipeline  # noqa: E402
from aftaler.project import Project  # noqa: E402


def main(folder: Path, mode: str, passes: int = 3) -> None:
    folders = sorted(p for p in folder.iterdir() if p.is_dir())
    revisions = freshness.source_revisions(folders)
    project = Project()

    def run(f):
        findings, files, _ = pipeline._process_set(f, revisions[f], f.name, project.layers,
                                                   project.template_overrides, False, project=project)
        assert files, findings

    run(folders[0])
    if mode == "profile":
        profile = cProfile.Profile()
        profile.enable()
        for f in folders[1:]:
            run(f)
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumtime").print_stats(60)
        return
    times = []
    for _ in range(passes):
        start = time.process_time()
        for f in folders[1:]:
            run(f)
        times.append((time.process_time() - start) / (len(folders) - 1))
    print(" ".join(f"{t:.3f}" for t in times), f"min {min(times):.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], *(int(a) for a in sys.argv[3:]))
