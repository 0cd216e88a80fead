from hearth.governance.diff import counts, line_diff


def test_no_change_is_no_rows():
    assert line_diff("a\nb", "a\nb") == []


def test_changed_lines_are_removed_then_added_with_context():
    old = "\n".join(f"line {n}" for n in range(1, 11))
    new = old.replace("line 5", "line five")
    rows = line_diff(old, new)
    kinds = [r.kind for r in rows]
    assert kinds == ["fold", "same", "same", "del", "ins", "same", "same", "fold"]
    assert rows[3].text == "line 5" and rows[4].text == "line five"
    assert rows[0].text == "2" and rows[-1].text == "3"  # folded lines
    assert counts(rows) == (1, 1)


def test_an_added_rule_at_the_end():
    rows = line_diff("1. Be kind.", "1. Be kind.\n2. Credit.")
    assert [(r.kind, r.text) for r in rows] == [("same", "1. Be kind."), ("ins", "2. Credit.")]
