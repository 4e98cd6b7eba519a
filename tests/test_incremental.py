"""Incremental builds: only what changed is rebuilt; removed sources take their outputs along."""
from __future__ import annotations

from aftaler.cli import main
from conftest import edit, two_sets


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".aftaler")}


def test_nothing_changed_nothing_written(small_set, tmp_path, capsys):
    out = tmp_path / "ud"
    assert main(["build", str(small_set), "-o", str(out)]) == 0
    before = snapshot(out)
    assert main(["build", str(small_set), "-o", str(out)]) == 0
    assert "Intet at bygge" in capsys.readouterr().err
    assert snapshot(out) == before


def test_only_the_changed_set_is_rebuilt(small_set, tmp_path):
    root, out = two_sets(small_set, tmp_path), tmp_path / "ud"
    assert main(["build", str(root), "-o", str(out)]) == 0
    before = snapshot(out)
    edit(root / "anden" / "delaftale-beskaeftigelse.yaml", "Jobcentrets kerneopgave.", "Jobcentrets nye opgave.")
    assert main(["build", str(root), "-o", str(out)]) == 0
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert "anden/delaftale-beskaeftigelse.docx" in changed
    assert not any(name.startswith(("lille/", "site/lille/")) for name in changed), changed
    assert b"Jobcentrets nye opgave." in after["site/anden/delaftale-beskaeftigelse.md"][1]
    # The rebuilt site still finds the unchanged set's pages in its search index.
    index = after["site/assets/search-index.js"][1].decode()
    assert "Boligsocial indsats i Testby" in index and "Boligsocial indsats i Andenby" in index


def test_the_result_equals_a_fresh_build(small_set, tmp_path):
    root, out = two_sets(small_set, tmp_path), tmp_path / "ud"
    assert main(["build", str(root), "-o", str(out)]) == 0
    edit(root / "lille" / "budget.yaml", '"2025": 16,', '"2025": 17,')
    edit(root / "lille" / "budget.yaml", "{lbf: 64}", "{lbf: 65}")
    assert main(["build", str(root), "-o", str(out)]) == 0
    assert main(["build", str(root), "-o", str(tmp_path / "frisk")]) == 0
    assert {k: v[1] for k, v in snapshot(out).items()} == {k: v[1] for k, v in snapshot(tmp_path / "frisk").items()}


def test_removed_sources_and_sets_take_their_outputs(small_set, tmp_path):
    root, out = two_sets(small_set, tmp_path), tmp_path / "ud"
    assert main(["build", str(root), "-o", str(out)]) == 0
    # Not a document the round requires (build refuses a set without one of those): its pages go.
    (root / "anden" / "maalinger.yaml").unlink()
    assert main(["build", str(root), "-o", str(out)]) == 0
    assert not (out / "site" / "anden" / "maalinger.html").exists()
    assert (out / "site" / "lille" / "maalinger.html").exists()
    assert main(["build", str(root / "lille"), "-o", str(out)]) == 0
    assert not (out / "site" / "anden").exists() and (out / "site" / "lille" / "index.html").exists()


def test_a_damaged_output_is_rebuilt(small_set, tmp_path):
    out = tmp_path / "ud"
    assert main(["build", str(small_set), "-o", str(out)]) == 0
    good = (out / "lille" / "budget.docx").read_bytes()
    (out / "lille" / "budget.docx").write_bytes(b"broken")
    assert main(["build", str(small_set), "-o", str(out)]) == 0
    assert (out / "lille" / "budget.docx").read_bytes() == good


def test_parallel_build_equals_serial(small_set, tmp_path):
    root = two_sets(small_set, tmp_path)
    assert main(["build", str(root), "-o", str(tmp_path / "a"), "--jobs", "1"]) == 0
    assert main(["build", str(root), "-o", str(tmp_path / "b"), "--jobs", "2"]) == 0
    assert {k: v[1] for k, v in snapshot(tmp_path / "a").items()} == {k: v[1] for k, v in snapshot(tmp_path / "b").items()}


def test_a_damaged_search_index_is_made_again(small_set, tmp_path):
    """An unchanged set's search entries are taken from the index the last build wrote only while
    that file is as the build left it; otherwise from the set's manifest."""
    root, out = two_sets(small_set, tmp_path), tmp_path / "ud"
    assert main(["build", str(root), "-o", str(out)]) == 0
    index = out / "site" / "assets" / "search-index.js"
    index.write_bytes(index.read_bytes().replace(b"Testby", b"Xxxxby"))  # the same size
    edit(root / "anden" / "samarbejdsaftale.yaml", "Boligsocial indsats i Andenby", "Boligsocial indsats i Zzzby")
    assert main(["build", str(root), "-o", str(out)]) == 0
    assert main(["build", str(root), "-o", str(tmp_path / "frisk")]) == 0
    assert b"Xxxxby" not in index.read_bytes() and b"Zzzby" in index.read_bytes()
    assert index.read_bytes() == (tmp_path / "frisk" / "site" / "assets" / "search-index.js").read_bytes()
