"""Tests for kiosk.interview: what the party sees next, what is refused, what is printed."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shipped import shipped_files

from kiosk import messages as msg
from kiosk.answer_types import AnswerError
from kiosk.expressions import EvaluationError
from kiosk.interview import Interview, InterviewError, Party, flatten_answers
from kiosk.template_loader import load_template_file, parse_template
from kiosk.template_model import Exclusion, Question, QuestionType, Template

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 15, 0)
ADULT = Party(date(1990, 5, 17), "male", "CHN")
SHIPPED = shipped_files("offender")  # the exclusions and the opening are the offender's

ENGINE_YAML = """\
id: engine-demo
version: 1
languages: [zh, en]
title: {zh: 示例案件, en: Demo case}
legal_basis: {zh: 示例依据, en: Demo basis}
eligibility:
  - id: admits_facts
    type: yes_no
    prompt: {zh: 你承认吗？, en: Do you admit it?}
    statement:
      question: {zh: 你是否承认违法事实？, en: Do you admit the facts?}
      answer: {zh: "{answer}。", en: "{answer}."}
sections:
  - id: facts
    title: {zh: 案件经过, en: What happened}
    questions:
      - id: incident_date
        type: date
        prompt: {zh: 事情发生在哪一天？, en: On what day did it happen?}
        constraint: value <= today()
        constraint_message: {zh: 日期不能晚于今天。, en: The date cannot be in the future.}
        statement:
          answer: {zh: "在{answer}。", en: "On {answer}."}
      - id: injured
        type: yes_no
        prompt: {zh: 你受伤了吗？, en: Were you hurt?}
      - id: injury_detail
        type: text
        show_if: injured == true
        prompt: {zh: 伤在哪里？, en: Where were you hurt?}
        statement:
          answer: {zh: "{answer}受伤。", en: "Hurt: {answer}."}
      - id: relationship
        type: single_choice
        prompt: {zh: 你和对方是什么关系？, en: How do you know the other person?}
        choices:
          - id: stranger
            label: {zh: 不认识, en: A stranger}
            statement: {zh: 我们不认识, en: We do not know each other}
          - id: neighbour
            label: {zh: 邻居, en: A neighbour}
      - id: methods
        type: multiple_choice
        prompt: {zh: 你是怎么打的？, en: How did you hit?}
        choices:
          - id: slap
            label: {zh: 打耳光, en: A slap}
          - id: punch
            label: {zh: 拳打, en: A punch}
          - id: kick
            label: {zh: 脚踢, en: A kick}
      - id: people_count
        type: number
        prompt: {zh: 对方有几个人？, en: How many people were on the other side?}
        constraint: value >= 0 and value <= 5
        constraint_message: {zh: 请填写 0 到 5 之间的数字。, en: Enter a number from 0 to 5.}
      - id: people
        type: group
        repeat_count: people_count
        item_label: {zh: "第 {n} 个人", en: "Person {n}"}
        prompt: {zh: 对方的人, en: The other people}
        questions:
          - id: name
            type: text
            prompt: {zh: 对方叫什么名字？, en: What is the other person's name?}
            statement:
              answer: {zh: "叫{answer}。", en: "Called {answer}."}
          - id: phone
            type: phone
            required: false
            prompt: {zh: 对方的电话？, en: The other person's phone?}
      - id: notes
        type: long_text
        required: false
        prompt: {zh: 还有什么要说的？, en: Anything else?}
        statement: false
  - id: closing
    title: {zh: 询问结束, en: Finish}
    questions:
      - id: confirmed
        type: confirmation
        prompt: {zh: 我确认以上内容。, en: I confirm the above.}
exclusions:
  - id: not_admitted
    when: admits_facts == false
    reason: {zh: 当事人不承认。, en: The party does not admit the facts.}
  - id: minor
    when: age(party.birth_date, incident_date) < 18
    reason: {zh: 当事人未满十八周岁。, en: The party was under 18.}
"""

BASE_PATHS = ["admits_facts", "incident_date", "injured", "relationship", "methods",
              "people_count", "notes", "confirmed"]


@pytest.fixture(scope="module")
def demo() -> Template:
    return parse_template(ENGINE_YAML, "engine-demo.yaml")


def start(template: Template, answers: dict[str, Any] | None = None,
          party: Party = ADULT) -> Interview:
    return Interview(template, dict(answers or {}), party, TODAY, NOW)


def answer_all(interview: Interview, *pairs: tuple[str, Any]) -> Interview:
    for path, raw in pairs:
        interview = interview.with_answer(path, raw)
    return interview


def paths(interview: Interview) -> list[str]:
    return [s.path for s in interview.screens]


def refusal(interview: Interview, path: str, raw: Any) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        interview.with_answer(path, raw)
    return caught.value


# -- screens, steps and sections ----------------------------------------------------------------


def test_screens_in_template_order_with_steps_one_to_total(demo: Template) -> None:
    interview = start(demo)
    assert paths(interview) == BASE_PATHS
    total = len(BASE_PATHS)
    assert [(s.step, s.total) for s in interview.screens] == [(n, total)
                                                              for n in range(1, total + 1)]
    assert interview.screens[0].section.title["zh"] == "适用条件"
    assert interview.screen("incident_date").section.title == {"zh": "案件经过",
                                                               "en": "What happened"}
    assert interview.screen("confirmed").prompt("en") == "I confirm the above."


def test_show_if_shows_and_hides_a_question_as_its_condition_changes(demo: Template) -> None:
    interview = start(demo)
    assert "injury_detail" not in paths(interview)
    with pytest.raises(InterviewError):
        interview.screen("injury_detail")

    hurt = interview.with_answer("injured", True)
    assert paths(hurt)[paths(hurt).index("injured") + 1] == "injury_detail"
    assert hurt.screen("relationship").step == interview.screen("relationship").step + 1
    assert all(s.total == len(BASE_PATHS) + 1 for s in hurt.screens)

    detailed = hurt.with_answer("injury_detail", "左臂")
    assert ("injury_detail", "左臂受伤。") in [(e.path, e.answer)
                                               for e in detailed.statement("zh")]

    unhurt = detailed.with_answer("injured", False)
    assert "injury_detail" not in paths(unhurt)
    assert unhurt.answers["injury_detail"] == "左臂"  # kept, should the party change back
    assert "injury_detail" not in unhurt.visible_answers()
    assert "injury_detail" not in [e.path for e in unhurt.statement("zh")]
    assert "injury_detail" not in [i.path for i in unhurt.review("zh")]
    with pytest.raises(InterviewError):
        unhurt.with_answer("injury_detail", "右腿")

    again = unhurt.with_answer("injured", True)
    assert "injury_detail" in [e.path for e in again.statement("en")]


def test_repeat_group_gives_one_screen_per_item_with_its_label(demo: Template) -> None:
    interview = start(demo).with_answer("people_count", 2)
    assert paths(interview)[5:10] == ["people_count", "people[0].name", "people[0].phone",
                                      "people[1].name", "people[1].phone"]
    first, second = interview.screen("people[0].name"), interview.screen("people[1].name")
    assert (first.item_label("zh"), first.item_label("en")) == ("第 1 个人", "Person 1")
    assert (second.item_label("zh"), second.item_label("en")) == ("第 2 个人", "Person 2")
    assert second.group is not None and second.group.id == "people"
    assert second.read_aloud("en") == "Person 2 What is the other person's name?"
    assert interview.screen("notes").item_label("zh") == ""


def test_lowering_the_count_removes_the_extra_screens(demo: Template) -> None:
    interview = answer_all(start(demo), ("people_count", 2), ("people[0].name", "李四"),
                           ("people[1].name", "王五"))
    fewer = interview.with_answer("people_count", 1)
    assert [p for p in paths(fewer) if p.startswith("people[")] == ["people[0].name",
                                                                     "people[0].phone"]
    with pytest.raises(InterviewError):
        fewer.screen("people[1].name")
    statement = [e.path for e in fewer.statement("zh")]
    assert "people[0].name" in statement and "people[1].name" not in statement
    none = fewer.with_answer("people_count", 0)
    assert not any(p.startswith("people[") for p in paths(none))


def test_group_items_are_headed_in_the_statement(demo: Template) -> None:
    interview = answer_all(start(demo), ("people_count", 2), ("people[0].name", "李四"),
                           ("people[1].name", "王五"), ("people[1].phone", "13900139000"))
    entries = [(e.heading, e.answer) for e in interview.statement("zh")
               if e.path.startswith("people[")]
    assert entries == [("第 1 个人", ""), ("", "叫李四。"), ("第 2 个人", ""), ("", "叫王五。"),
                       ("", "13900139000")]


# -- checking answers ---------------------------------------------------------------------------


def test_constraint_failure_gives_the_constraint_message_in_zh_and_en(demo: Template) -> None:
    error = refusal(start(demo), "people_count", 6)
    assert error.message("zh") == "请填写 0 到 5 之间的数字。"
    assert error.message("en") == "Enter a number from 0 to 5."
    future = refusal(start(demo), "incident_date", (TODAY + timedelta(days=1)).isoformat())
    assert future.message("zh") == "日期不能晚于今天。"
    assert future.message("en") == "The date cannot be in the future."
    assert start(demo).check("incident_date", TODAY.isoformat()) == TODAY.isoformat()


@pytest.mark.parametrize("empty", [None, "", "   ", []])
def test_required_empty_answer_is_refused_with_a_message(demo: Template, empty: Any) -> None:
    error = refusal(start(demo), "incident_date", empty)
    assert error.message("zh") == msg.REQUIRED["zh"]
    assert error.message("en") == msg.REQUIRED["en"]


def test_optional_empty_answer_is_accepted(demo: Template) -> None:
    interview = start(demo).with_answer("notes", "  ")
    assert interview.answers["notes"] is None
    assert not interview.is_answered(interview.screen("notes"))


@pytest.mark.parametrize(("path", "raw"), [
    ("incident_date", "2026/03/01"),
    ("incident_date", "01-03-2026"),
    ("incident_date", "2026-02-30"),
    ("incident_date", "yesterday"),
    ("incident_date", 20260301),
    ("admits_facts", "true"),
    ("admits_facts", 1),
    ("admits_facts", "是"),
    ("relationship", "enemy"),
    ("relationship", ["stranger"]),
    ("methods", ["slap", "headbutt"]),
    ("methods", "slap"),
    ("people_count", "three"),
    ("people_count", 2.5),
    ("people_count", True),
    ("confirmed", False),
])
def test_answers_of_the_wrong_type_are_refused(demo: Template, path: str, raw: Any) -> None:
    error = refusal(start(demo), path, raw)
    assert error.message("zh") and error.message("en")
    assert error.message("zh") != error.message("en")


@pytest.mark.parametrize("phone", ["12345678901", "1380013800", "138001380000", "phone",
                                   "23800138000", "+86 138 0013 8000x"])
def test_bad_phone_numbers_are_refused(demo: Template, phone: str) -> None:
    interview = start(demo).with_answer("people_count", 1)
    assert refusal(interview, "people[0].phone", phone).message("en") == msg.PHONE["en"]


@pytest.mark.parametrize(("phone", "stored"), [
    ("13800138000", "13800138000"),
    (" 138 0013 8000 ", "13800138000"),
    ("010-12345678", "010-12345678"),
    ("075512345678", "075512345678"),
])
def test_good_phone_numbers_are_accepted(demo: Template, phone: str, stored: str) -> None:
    interview = start(demo).with_answer("people_count", 1)
    assert interview.with_answer("people[0].phone", phone).answers["people[0].phone"] == stored


def test_typed_answers_are_stored_normalised(demo: Template) -> None:
    interview = answer_all(start(demo), ("admits_facts", True), ("incident_date", " 2026-03-01 "),
                           ("methods", ["kick", "slap", "kick"]), ("people_count", "2"))
    assert interview.answers["admits_facts"] is True
    assert interview.answers["incident_date"] == "2026-03-01"
    assert interview.answers["methods"] == ["slap", "kick"]  # template order, no repeats
    assert interview.answers["people_count"] == 2


def test_unknown_path_is_an_interview_error(demo: Template) -> None:
    with pytest.raises(InterviewError):
        start(demo).with_answer("no_such_question", "x")
    with pytest.raises(InterviewError):
        start(demo).with_answer("people[0].name", "李四")  # no items yet


# -- exclusions -------------------------------------------------------------------------------


def test_exclusions_fire_after_the_answer_that_triggers_them(demo: Template) -> None:
    interview = start(demo)
    assert interview.with_answer("admits_facts", True).exclusion() is None
    hit = interview.with_answer("admits_facts", False).exclusion()
    assert hit is not None and hit.exclusion.id == "not_admitted"
    assert hit.reason("zh") == "当事人不承认。"
    assert hit.reason("en") == "The party does not admit the facts."


def minor_exclusion(template: Template) -> Exclusion:
    return next(e for e in template.exclusions if "party.birth_date" in e.when.names)


def shipped() -> list[Template]:
    """Every shipped template, the victims' and the witness's too."""
    return [load_template_file(path) for path in shipped_files()]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_not_admitting_the_facts_ends_the_fast_track(path: Path) -> None:
    template = load_template_file(path)
    interview = start(template)
    assert interview.exclusion() is None
    assert interview.with_answer("admits_facts", True).exclusion() is None
    hit = interview.with_answer("admits_facts", False).exclusion()
    assert hit is not None
    assert hit.reason("zh").strip() and hit.reason("en").strip()
    assert hit.reason("zh") != hit.reason("en")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize(("birth", "incident", "is_minor"), [
    (date(2008, 3, 5), date(2026, 3, 5), False),  # 18 on the day
    (date(2008, 3, 6), date(2026, 3, 5), True),  # 18 tomorrow
    (date(2008, 2, 29), date(2026, 2, 28), True),  # leap-day birthday not yet reached
    (date(2008, 2, 29), date(2026, 3, 1), False),
    (date(1990, 5, 17), date(2026, 3, 5), False),
    (date(2015, 1, 1), date(2026, 3, 5), True),
])
def test_minor_at_the_incident_date_ends_the_fast_track(path: Path, birth: date, incident: date,
                                                        is_minor: bool) -> None:
    template = load_template_file(path)
    party = Party(birth, "female", "CHN")
    before = start(template, party=party)
    assert before.exclusion() is None  # no incident date yet: nothing is known
    after = before.with_answer("incident_date", incident.isoformat())
    hit = after.exclusion()
    if is_minor:
        assert hit is not None and hit.exclusion == minor_exclusion(template)
        assert hit.reason("zh").strip() and hit.reason("en").strip()
    else:
        assert hit is None


def test_exclusion_on_the_party_is_silent_without_a_birth_date(demo: Template) -> None:
    interview = start(demo, party=Party()).with_answer("incident_date", "2026-03-01")
    assert interview.exclusion() is None


# -- statement and review -----------------------------------------------------------------------


def test_statement_renders_the_answer_wording(demo: Template) -> None:
    interview = answer_all(start(demo), ("admits_facts", True), ("incident_date", "2026-03-01"),
                           ("injured", False), ("relationship", "stranger"),
                           ("methods", ["kick", "slap"]), ("people_count", 0),
                           ("notes", "没有了"), ("confirmed", True))
    zh = {e.path: (e.question, e.answer) for e in interview.statement("zh")}
    en = {e.path: (e.question, e.answer) for e in interview.statement("en")}
    assert zh["admits_facts"] == ("你是否承认违法事实？", "是。")
    assert en["admits_facts"] == ("Do you admit the facts?", "Yes.")
    assert zh["incident_date"] == ("事情发生在哪一天？", "在2026年3月1日。")
    assert en["incident_date"] == ("On what day did it happen?", "On 1 March 2026.")
    assert zh["injured"][1] == "否" and en["injured"][1] == "No"
    assert zh["relationship"][1] == "我们不认识"  # the choice's statement text, not its label
    assert en["relationship"][1] == "We do not know each other"
    assert zh["methods"][1] == "打耳光、脚踢" and en["methods"][1] == "A slap, A kick"
    assert "notes" not in zh  # statement: false
    assert zh["confirmed"][1] == "确认"
    assert list(zh) == [p for p in paths(interview) if p != "notes"]


def test_choice_without_statement_text_uses_its_label(demo: Template) -> None:
    interview = start(demo).with_answer("relationship", "neighbour")
    [entry] = [e for e in interview.statement("zh") if e.path == "relationship"]
    assert entry.answer == "邻居"


def test_review_lists_every_shown_question_including_unanswered(demo: Template) -> None:
    interview = answer_all(start(demo), ("admits_facts", True), ("people_count", 1),
                           ("notes", "补充"))
    for language, unanswered in (("zh", "（未回答）"), ("en", "(not answered)")):
        review = interview.review(language)
        assert [i.path for i in review] == paths(interview)
        by_path = {i.path: i for i in review}
        assert by_path["admits_facts"].is_answered
        assert not by_path["incident_date"].is_answered
        assert by_path["incident_date"].answer == unanswered
        assert by_path["people[0].name"].heading == ("第 1 个人" if language == "zh"
                                                     else "Person 1")
        assert by_path["notes"].answer == "补充"  # in the review although not printed
        assert by_path["people_count"].section_id == "facts"
    assert [e.path for e in interview.statement("zh")] == ["admits_facts", "people_count"]


# -- navigation ---------------------------------------------------------------------------------


def test_next_and_previous_walk_the_shown_screens(demo: Template) -> None:
    interview = start(demo)
    assert interview.next_screen().path == "admits_facts"
    walked, current = [], interview.next_screen()
    while current is not None:
        walked.append(current.path)
        current = interview.next_screen(current.path)
    assert walked == BASE_PATHS
    assert interview.previous_screen("admits_facts") is None
    assert interview.previous_screen("incident_date").path == "admits_facts"
    assert interview.previous_screen("confirmed").path == "notes"
    assert interview.next_screen("confirmed") is None

    hurt = interview.with_answer("injured", True)
    assert hurt.next_screen("injured").path == "injury_detail"
    assert hurt.previous_screen("relationship").path == "injury_detail"


def test_first_open_screen_resumes_at_the_first_unanswered_required_one(demo: Template) -> None:
    interview = start(demo)
    assert interview.first_open_screen().path == "admits_facts"
    interview = answer_all(interview, ("admits_facts", True), ("incident_date", "2026-03-01"),
                           ("relationship", "stranger"))
    assert interview.first_open_screen().path == "injured"
    interview = answer_all(interview, ("injured", True))
    assert interview.first_open_screen().path == "injury_detail"
    interview = answer_all(interview, ("injured", False), ("methods", ["slap"]),
                           ("people_count", 1), ("people[0].name", "李四"))
    assert interview.first_open_screen().path == "confirmed"  # optional ones are skipped
    assert not interview.is_complete()
    done = interview.with_answer("confirmed", True)
    assert done.first_open_screen() is None
    assert done.is_complete()
    assert done.problems() == []


def test_problems_name_the_missing_answers(demo: Template) -> None:
    interview = start(demo).with_answer("admits_facts", True)
    problems = interview.problems()
    assert [s.path for s, _ in problems] == ["incident_date", "injured", "relationship",
                                             "methods", "people_count", "confirmed"]
    assert all(error.message("zh") == msg.REQUIRED["zh"] for _, error in problems)


# -- expressions that fail at run time ----------------------------------------------------------


def failing_template(**expressions: str) -> Template:
    """The demo template with one expression that compares a date with a number."""
    source = ENGINE_YAML
    for path, line in expressions.items():
        anchor = {"injured": "      - id: injured\n        type: yes_no\n",
                  "people": "        repeat_count: people_count\n",
                  "notes": "      - id: notes\n        type: long_text\n",
                  "exclusion": "    when: admits_facts == false\n",
                  "people_count": "        constraint: value >= 0 and value <= 5\n"}[path]
        assert anchor in source
        source = source.replace(anchor, line)
    return parse_template(source, "failing.yaml")


def test_an_answer_that_makes_a_show_if_fail_is_refused_and_sent_to_the_officer() -> None:
    template = failing_template(
        injured="      - id: injured\n        type: yes_no\n        show_if: incident_date > 5\n")
    error = refusal(start(template), "incident_date", "2026-03-01")
    assert error.message("zh") == "这个回答现在无法核对，请告诉民警。"
    assert error.message("en") == "This answer cannot be checked now; please tell the officer."


def test_an_answer_that_makes_a_repeat_count_fail_is_refused() -> None:
    template = failing_template(people="        repeat_count: incident_date\n")
    refusal(start(template), "incident_date", "2026-03-01")


def test_an_answer_that_makes_an_exclusion_fail_is_refused_not_waved_through() -> None:
    template = failing_template(exclusion="    when: incident_date > 5\n")
    refusal(start(template), "incident_date", "2026-03-01")


def test_a_division_by_zero_in_a_show_if_refuses_the_answer_that_made_it() -> None:
    template = failing_template(
        notes="      - id: notes\n        type: long_text\n"
              "        show_if: 10 / people_count > 1\n")
    error = refusal(start(template), "people_count", 0)
    assert error.message("en") == "This answer does not fit your earlier answers; please check it."
    assert error.message("zh") == "这个回答和前面的回答对不上，请检查。"
    assert "notes" in paths(start(template).with_answer("people_count", 5))


def test_a_constraint_that_cannot_judge_the_answer_refuses_it() -> None:
    template = failing_template(
        people_count="        constraint: value >= incident_date\n")
    interview = start(template).with_answer("incident_date", "2026-03-01")
    error = refusal(interview, "people_count", 2)
    assert error.message("zh") and error.message("en")


def test_a_constraint_that_gives_no_true_or_false_refuses_the_answer() -> None:
    template = failing_template(people_count="        constraint: value + 1\n")
    error = refusal(start(template), "people_count", 2)
    assert error.message("en") == "This answer cannot be checked now; please tell the officer."


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_an_incident_date_before_the_birth_date_is_refused_in_words(path: Path) -> None:
    """PR Art. 41: age() cannot judge a day before birth, so the minor exclusion must not
    be skipped; the date is refused and the case stays where it was."""
    template = load_template_file(path)
    party = Party(date(2000, 6, 1), "female", "CHN")
    error = refusal(start(template, party=party), "incident_date", "1999-12-31")
    assert error.message("zh") == "这个日期早于出生日期，请检查日期。"
    assert error.message("en") == "This date is before the date of birth; please check the date."


BIRTH_YAML = ENGINE_YAML.replace(
    "      - id: injured\n        type: yes_no\n",
    "      - id: victim_birth_date\n        type: date\n"
    "        prompt: {zh: 对方的出生日期？, en: The other person's date of birth?}\n"
    "      - id: injured\n        type: yes_no\n",
).replace("    when: admits_facts == false\n",
          "    when: age(victim_birth_date, incident_date) < 14\n")


def test_the_answer_being_given_is_blamed_when_an_expression_reads_two_answers() -> None:
    template = parse_template(BIRTH_YAML, "birth.yaml")
    interview = start(template).with_answer("incident_date", "2026-03-01")
    error = refusal(interview, "victim_birth_date", "2026-03-05")
    assert error.message("en") == ("This date of birth is after the other date; "
                                   "please check the date.")
    # Given in the other order, the incident date is the one refused.
    first = start(template).with_answer("victim_birth_date", "2026-03-05")
    error = refusal(first, "incident_date", "2026-03-01")
    assert error.message("en") == "This date is before the date of birth; please check the date."


def test_a_failing_exclusion_in_stored_answers_keeps_the_interview_incomplete() -> None:
    """Answers stored before this check existed, or a birth date recorded after them: the
    engine names the answer to change and never lets the interview pass as not excluded."""
    party = Party(date(2000, 6, 1), "female", "CHN")
    interview = start(demo_template(), {"incident_date": "1999-12-31"}, party=party)
    assert interview.exclusion() is None
    assert [f.key for f in interview.failures()] == [("exclusion", "minor")]
    problem = {screen.path: error for screen, error in interview.problems()}["incident_date"]
    assert problem.message("en") == "This date is before the date of birth; please check the date."
    assert not interview.is_complete()
    # Changing it to another day before the birth date is refused too, though it failed before.
    refusal(interview, "incident_date", "1999-01-01")
    assert interview.with_answer("incident_date", "2026-03-01").failures() == ()


def demo_template() -> Template:
    return parse_template(ENGINE_YAML, "engine-demo.yaml")


def test_a_calculation_that_fails_refuses_the_answer_it_reads(calculated: Template) -> None:
    party = Party(date(2000, 6, 1), "female", "CHN")
    error = refusal(Interview(calculated, {}, party, TODAY, NOW), "incident_date", "1999-12-31")
    assert error.message("zh") == "这个日期早于出生日期，请检查日期。"


def test_would_end_fast_track_names_the_exclusion_without_keeping_the_answer(
        demo: Template) -> None:
    interview = start(demo)
    hit = interview.would_end_fast_track("admits_facts", False)
    assert hit is not None and hit.exclusion.id == "not_admitted"
    assert interview.would_end_fast_track("admits_facts", True) is None
    assert "admits_facts" not in interview.answers
    young = start(demo, party=Party(date(2010, 1, 1), "male", "CHN"))
    minor = young.would_end_fast_track("incident_date", "2026-03-01")
    assert minor is not None and minor.reason("en") == "The party was under 18."
    with pytest.raises(AnswerError):
        young.would_end_fast_track("incident_date", "2009-01-01")  # refused, not "excluded"


# -- bugs found in the answer checks ------------------------------------------------------------


DECIMAL_YAML = ENGINE_YAML.replace(
    "        constraint: value >= 0 and value <= 5\n"
    "        constraint_message: {zh: 请填写 0 到 5 之间的数字。,"
    " en: Enter a number from 0 to 5.}\n",
    "        decimal: true\n        min: 0\n        max: 5\n")


def test_decimal_number_refuses_nan() -> None:
    template = parse_template(DECIMAL_YAML, "decimal.yaml")
    assert template.question("people_count").decimal
    refusal(start(template), "people_count", float("nan"))


@pytest.mark.parametrize("count", [math.nan, math.inf])
def test_group_count_that_is_not_finite_does_not_crash(count: float) -> None:
    template = parse_template(DECIMAL_YAML.replace("        max: 5\n", ""), "decimal.yaml")
    interview = start(template, {"people_count": count})
    assert not any(p.startswith("people[") for p in paths(interview))


IDENTITY_YAML = """\
id: identity-demo
version: 1
languages: [zh, en]
title: {zh: 证件, en: Documents}
legal_basis: {zh: 依据, en: Basis}
eligibility: []
sections:
  - id: other
    title: {zh: 对方, en: The other person}
    questions:
      - id: other_document
        type: identity_document
        prompt: {zh: 对方的证件？, en: The other person's document?}
"""


def test_identity_document_answers() -> None:
    interview = start(parse_template(IDENTITY_YAML, "identity.yaml"))
    stored = interview.with_answer("other_document", {"type": "passport", "number": "e1234567 8",
                                                      "nationality": "usa"})
    assert stored.answers["other_document"] == {"type": "passport", "number": "E12345678",
                                                "nationality": "USA"}
    assert stored.review("zh")[0].answer == "护照 E12345678"
    for raw in ("E12345678", {"type": "passport"}, {"type": "card", "number": "E12345678"},
                {"type": "passport", "number": "E12345678"}):
        error = refusal(interview, "other_document", raw)
        assert error.message("zh") and error.message("en")


@pytest.mark.parametrize("nationality", [5, ["USA"]])
def test_identity_document_with_non_text_nationality_is_refused(nationality: Any) -> None:
    interview = start(parse_template(IDENTITY_YAML, "identity.yaml"))
    refusal(interview, "other_document", {"type": "passport", "number": "E12345678",
                                          "nationality": nationality})


# -- property: arbitrary answers never break the engine ----------------------------------------


JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                      st.integers(), max_size=2))


def answers_for(question: Question) -> st.SearchStrategy[Any]:
    """Values from the question type's domain, mixed with values of every other shape."""
    kind = question.type
    ids = [c.id for c in question.choices] or ["x"]
    domain: dict[QuestionType, st.SearchStrategy[Any]] = {
        QuestionType.TEXT: st.text(max_size=250),
        QuestionType.LONG_TEXT: st.text(max_size=300),
        QuestionType.YES_NO: st.booleans(),
        QuestionType.CONFIRMATION: st.booleans(),
        QuestionType.SINGLE_CHOICE: st.sampled_from(ids),
        QuestionType.MULTIPLE_CHOICE: st.lists(st.sampled_from(ids), max_size=4),
        QuestionType.NUMBER: st.one_of(st.integers(0, 3), st.integers(-5, 30), st.integers(),
                                       st.floats(allow_nan=True, allow_infinity=True),
                                       st.integers(-5, 30).map(str)),
        QuestionType.DATE: st.dates().map(date.isoformat),
        QuestionType.TIME: st.times().map(lambda t: t.strftime("%H:%M")),
        QuestionType.DATETIME: st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
        QuestionType.PHONE: st.one_of(st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
                                      st.from_regex(r"\A0[0-9]{2,3}-[0-9]{7,8}\Z")),
    }
    near = domain.get(kind, JUNK)
    return st.one_of(near, near, near, JUNK)


SHIPPED_TEMPLATES = shipped()


@pytest.mark.parametrize("template", SHIPPED_TEMPLATES, ids=lambda t: t.id)
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), birth=st.dates(date(1930, 1, 1), date(2025, 12, 31)))
def test_arbitrary_answers_never_break_the_engine(template: Template, data: st.DataObject,
                                                  birth: date) -> None:
    interview = Interview(template, {}, Party(birth, "male", "CHN"), TODAY, NOW)
    path: str | None = None
    assert not interview.failures()
    for _ in range(200):
        screen = interview.next_screen(path)
        if screen is None:
            break
        raw = data.draw(answers_for(screen.question), label=screen.path)
        try:
            interview = interview.with_answer(screen.path, raw)
        except AnswerError as error:
            assert error.message("zh") and error.message("en")
        assert not interview.failures()  # a failing expression's answer was refused
        path = screen.path
        assert interview.screen(path).path == path
    else:
        pytest.fail("the interview never ended")
    steps = [s.step for s in interview.screens]
    assert steps == list(range(1, len(steps) + 1))
    for language in ("zh", "en"):
        assert len(interview.review(language)) == len(interview.screens)
        for entry in interview.statement(language):
            assert isinstance(entry.answer, str) and isinstance(entry.question, str)
    interview.exclusion()
    interview.problems()
    interview.first_open_screen()


def test_engine_is_pure_about_the_clock(demo: Template) -> None:
    late = Interview(demo, {}, ADULT, date(2026, 3, 12), datetime.combine(date(2026, 3, 12),
                                                                          time(9)))
    future = (TODAY + timedelta(days=2)).isoformat()
    refusal(start(demo), "incident_date", future)
    assert late.with_answer("incident_date", future).answers["incident_date"] == future


def test_the_failing_expressions_really_fail_at_run_time() -> None:
    """The tests above would prove nothing if the expression did not fail."""
    template = failing_template(exclusion="    when: incident_date > 5\n")
    when = template.exclusions[0].when
    with pytest.raises(EvaluationError):
        when.evaluate(lambda name: date(2026, 3, 1), today=TODAY, now=NOW)


# -- yes/no wording and the statement order -----------------------------------------------------


WORDING_YAML = ENGINE_YAML.replace(
    "      question: {zh: 你是否承认违法事实？, en: Do you admit the facts?}\n"
    '      answer: {zh: "{answer}。", en: "{answer}."}\n',
    "      question: {zh: 你是否承认违法事实？, en: Do you admit the facts?}\n"
    "      yes: {zh: 我承认。, en: \"Yes, I admit them.\"}\n"
    "      no: {zh: 我不承认。, en: \"No, I do not.\"}\n",
).replace(
    "        prompt: {zh: 你受伤了吗？, en: Were you hurt?}\n",
    "        prompt: {zh: 你受伤了吗？, en: Were you hurt?}\n"
    "        statement:\n"
    '          answer: {zh: "{answer}。", en: "{answer}."}\n'
    "          no: {zh: 我没有受伤。, en: \"No, I was not hurt.\"}\n",
)


@pytest.fixture(scope="module")
def worded() -> Template:
    return parse_template(WORDING_YAML, "wording.yaml")


def statement_answer(interview: Interview, path: str, language: str) -> str:
    [entry] = [e for e in interview.statement(language) if e.path == path]
    return entry.answer


def test_the_wording_fixture_really_has_the_yes_no_wording(worded: Template) -> None:
    """The tests below would prove nothing if the replacements above missed."""
    admits = worded.question("admits_facts").statement
    assert admits.yes is not None and admits.no is not None and admits.answer is None
    injured = worded.question("injured").statement
    assert injured.yes is None and injured.no is not None and injured.answer is not None


@pytest.mark.parametrize(("value", "zh", "en"), [
    (True, "我承认。", "Yes, I admit them."),
    (False, "我不承认。", "No, I do not."),
])
def test_yes_no_wording_prints_the_whole_answer(worded: Template, value: bool, zh: str,
                                                en: str) -> None:
    interview = start(worded).with_answer("admits_facts", value)
    assert statement_answer(interview, "admits_facts", "zh") == zh
    assert statement_answer(interview, "admits_facts", "en") == en
    # The question is still the statement's question, and the review reads as the statement.
    [entry] = [e for e in interview.statement("zh") if e.path == "admits_facts"]
    assert entry.question == "你是否承认违法事实？"
    [item] = [i for i in interview.review("en") if i.path == "admits_facts"]
    assert item.answer == en


@pytest.mark.parametrize(("value", "zh", "en"), [
    (True, "是。", "Yes."),  # no `yes` wording: the `answer` wording
    (False, "我没有受伤。", "No, I was not hurt."),
])
def test_yes_no_wording_falls_back_to_the_answer_wording(worded: Template, value: bool, zh: str,
                                                         en: str) -> None:
    interview = start(worded).with_answer("injured", value)
    assert statement_answer(interview, "injured", "zh") == zh
    assert statement_answer(interview, "injured", "en") == en


@pytest.mark.parametrize(("value", "zh", "en"), [(True, "是", "Yes"), (False, "否", "No")])
def test_yes_no_without_any_wording_prints_yes_or_no(demo: Template, value: bool, zh: str,
                                                     en: str) -> None:
    interview = start(demo).with_answer("injured", value)
    assert statement_answer(interview, "injured", "zh") == zh
    assert statement_answer(interview, "injured", "en") == en


ORDER_YAML = ENGINE_YAML.replace(
    "sections:\n",
    "sections:\n"
    "  - id: opening\n"
    "    title: {zh: 询问开始, en: Start}\n"
    "    questions:\n"
    "      - id: duty_understood\n"
    "        type: confirmation\n"
    "        prompt: {zh: 我会如实回答。, en: I will answer truthfully.}\n",
).replace("exclusions:\n", "statement_order: [opening, eligibility, facts, closing]\n"
                           "exclusions:\n")


def test_statement_order_prints_eligibility_after_the_opening() -> None:
    template = parse_template(ORDER_YAML, "order.yaml")
    assert template.statement_order == ("opening", "eligibility", "facts", "closing")
    interview = answer_all(start(template), ("admits_facts", True), ("duty_understood", True),
                           ("incident_date", "2026-03-01"), ("injured", True),
                           ("injury_detail", "左臂"), ("people_count", 1),
                           ("people[0].name", "李四"), ("confirmed", True))
    # Asked in the template's order: eligibility first.
    assert paths(interview)[:3] == ["admits_facts", "duty_understood", "incident_date"]
    assert [s.step for s in interview.screens] == list(range(1, len(interview.screens) + 1))
    # Printed in the statement order: the opening's answers, then the eligibility answers,
    # then the rest in the asking order, group headings kept with their items.
    for language in ("zh", "en"):
        statement = interview.statement(language)
        assert [e.path for e in statement] == [
            "duty_understood", "admits_facts", "incident_date", "injured", "injury_detail",
            "people_count", "people[0]", "people[0].name", "confirmed"]
        assert [e.heading for e in statement if e.heading] == [
            "第 1 个人" if language == "zh" else "Person 1"]
    # The review shows the statement exactly as it will print, in the same order.
    review = interview.review("zh")
    assert review[0].path == "duty_understood"
    assert [i.path for i in review if i.is_answered] == [
        e.path for e in interview.statement("zh") if not e.heading]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_statement_opens_with_the_officers_introduction(path: Path) -> None:
    template = load_template_file(path)
    interview = answer_all(start(template), ("admits_facts", True), ("duty_understood", True))
    assert paths(interview)[0] == "admits_facts"
    assert interview.screen("duty_understood").section.id == "opening"
    assert [e.path for e in interview.statement("zh")] == ["duty_understood", "admits_facts"]


# -- calculated values and questions inside a group ---------------------------------------------

CALCULATED_YAML = """\
id: calculated-demo
version: 1
languages: [zh, en]
title: {zh: 示例, en: Demo}
legal_basis: {zh: 依据, en: Basis}
eligibility: []
sections:
  - id: facts
    title: {zh: 经过, en: What happened}
    questions:
      - id: incident_date
        type: date
        prompt: {zh: 哪一天？, en: On what day?}
      - id: age_then
        type: calculate
        prompt: {zh: 当时的年龄, en: Age at the time}
        calculation: age(party.birth_date, incident_date)
      - id: items_count
        type: number
        prompt: {zh: 拿了几件东西？, en: How many things did you take?}
      - id: items
        type: group
        prompt: {zh: 每件东西, en: Each thing}
        repeat_count: items_count
        item_label: {zh: "第 {n} 件", en: "Thing {n}"}
        questions:
          - id: price
            type: number
            prompt: {zh: 值多少钱？, en: What was it worth?}
          - id: expensive
            type: calculate
            calculation: price >= 100
          - id: receipt
            type: yes_no
            prompt: {zh: 有发票吗？, en: Is there a receipt?}
            show_if: expensive
      - id: total_value
        type: calculate
        calculation: items_count * 10
      - id: confirm
        type: confirmation
        prompt: {zh: 以上属实。, en: The above is true.}
        statement:
          answer: {zh: "属实。事发时我{age_then}岁，共{items_count}件。",
                   en: "True. I was {age_then} then."}
exclusions:
  - id: minor
    when: age_then < 18
    reason: {zh: 未成年。, en: A minor.}
"""


@pytest.fixture
def calculated() -> Template:
    return parse_template(CALCULATED_YAML, "calculated-demo.yaml")


def test_a_calculated_value_is_never_a_screen_and_is_worked_out_from_earlier_answers(
        calculated: Template) -> None:
    interview = Interview(calculated, {}, ADULT, TODAY, NOW)
    assert "age_then" not in [s.path for s in interview.screens]
    assert interview.calculated()["age_then"] is None  # the date is not answered yet
    interview = interview.with_answer("incident_date", "2026-03-01")
    assert interview.calculated()["age_then"] == 35


def test_an_exclusion_can_use_a_calculated_value(calculated: Template) -> None:
    young = Party(date(2010, 1, 1), "male", "CHN")
    interview = Interview(calculated, {}, young, TODAY, NOW).with_answer("incident_date",
                                                                           "2026-03-01")
    hit = interview.exclusion()
    assert hit is not None and hit.exclusion.id == "minor"
    assert Interview(calculated, {"incident_date": "2026-03-01"}, ADULT, TODAY,
                     NOW).exclusion() is None


def test_a_question_in_a_group_item_follows_the_answers_of_the_same_item(
        calculated: Template) -> None:
    interview = Interview(calculated, {"incident_date": "2026-03-01", "items_count": 2,
                                       "items[0].price": 250, "items[1].price": 20},
                          ADULT, TODAY, NOW)
    paths = [s.path for s in interview.screens]
    assert "items[0].receipt" in paths  # its own item's price is 100 or more
    assert "items[1].receipt" not in paths
    assert interview.calculated()["items[0].expensive"] is True
    assert interview.calculated()["items[1].expensive"] is False


def test_the_statement_wording_reads_a_calculated_value(calculated: Template) -> None:
    interview = Interview(calculated, {"incident_date": "2026-03-01", "items_count": 0,
                                       "confirm": True}, ADULT, TODAY, NOW)
    answers = {entry.path: entry.answer for entry in interview.statement("zh")}
    assert answers["confirm"] == "属实。事发时我35岁，共0件。"
    assert "age_then" not in answers  # not printed by itself


def test_an_answers_file_cannot_set_a_calculated_value(calculated: Template) -> None:
    with pytest.raises(InterviewError, match=r"age_then.*worked out"):
        flatten_answers(calculated, {"age_then": 12})
    with pytest.raises(InterviewError, match=r"items\[0\]\.expensive.*worked out"):
        flatten_answers(calculated, {"items": [{"price": 5, "expensive": False}]})
