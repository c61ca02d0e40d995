"""matchfund.load_rules: the Rules object, and every diagnostic of a bad file."""

import pickle

import pandas as pd
import pytest

import matchfund
from conftest import REPO, RULES


def test_rules_attributes_of_the_tencent_2018_file():
    rules = matchfund.load_rules(RULES / "tencent-99-2018.yaml")
    assert rules.campaign.id == "tencent-99-2018"
    assert rules.campaign.currency == "CNY"
    assert rules.campaign.minor_digits == 2
    assert rules.campaign.start == pd.Timestamp("2018-09-07T00:00:00+08:00")
    assert str(rules.campaign.start.tz) == "UTC+08:00"
    assert rules.funds["fund"].tolist() == ["tencent", "enterprise-a", "enterprise-b"]
    assert rules.funds["budget"].tolist() == [29_999_000_000, 500_000_000, 300_000_000]
    assert rules.funds["budget"].dtype == "int64"
    assert rules.rules["rule"].tolist() == ["tencent-random", "red-flower-bonus", "enterprise-a-match",
                                            "enterprise-b-match"]
    assert rules.projects.loc[0, ["project", "organization", "region"]].tolist() == ["proj-001", "org-01", "上海"]
    assert len(rules.sha256) == 64


def test_rules_error_carries_every_diagnostic():
    path = REPO / "tests" / "data" / "bad-rules" / "bad_campaign_period.yaml"
    with pytest.raises(matchfund.RulesError) as raised:
        matchfund.load_rules(path)
    diagnostics = raised.value.diagnostics
    assert len(diagnostics) == 1
    d = diagnostics[0]
    assert (d.line, d.column, d.path, d.code) == (9, 8, "campaign.end", "bad_campaign_period")
    assert d.message == "the campaign must end after it starts"
    assert d.file.endswith("bad_campaign_period.yaml")
    assert str(raised.value) == f"{d.file}:9:8: campaign.end: the campaign must end after it starts [bad_campaign_period]"


def test_a_missing_file_is_a_rules_error():
    with pytest.raises(matchfund.RulesError) as raised:
        matchfund.load_rules("no-such-rules.yaml")
    assert [d.code for d in raised.value.diagnostics] == ["file_unreadable"]


def test_overrides_change_the_rules_and_their_digest():
    rules = matchfund.load_rules(RULES / "tencent-99-2018.yaml")
    cheaper = rules.with_overrides({"funds.tencent.budget": "100000000"})
    assert cheaper.funds["budget"].tolist()[0] == 10_000_000_000
    assert cheaper.sha256 != rules.sha256
    with pytest.raises(matchfund.Error, match="funds.nosuch.budget"):
        rules.with_overrides(["funds.nosuch.budget=1"])


def test_rules_pickle_as_their_file_and_overrides():
    rules = matchfund.load_rules(RULES / "tencent-99-2018.yaml").with_overrides(["caps.tencent-999-per-person-per-day.max=500"])
    again = pickle.loads(pickle.dumps(rules))
    assert again.sha256 == rules.sha256
    assert again.overrides == ("caps.tencent-999-per-person-per-day.max=500",)


def test_format_money():
    assert matchfund.format_money(1250, 2) == "12.50"
    assert matchfund.format_money(-5, 2) == "-0.05"
    assert matchfund.format_money(7, 0) == "7"
    assert matchfund.format_money(pd.Series([0, 100, -12345]), 2).tolist() == ["0.00", "1.00", "-123.45"]
