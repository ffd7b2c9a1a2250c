"""Every fixed wording of the template editor, in each language."""

from __future__ import annotations

import re

from kiosk.template_loader import TemplateProblem
from kiosk.template_messages import Joined, render
from kiosk.template_model import QuestionType
from ui.kiosk.strings import lookup

_TYPES = {
    QuestionType.TEXT: ("短文本", "Short text"),
    QuestionType.LONG_TEXT: ("长文本", "Long text"),
    QuestionType.SINGLE_CHOICE: ("单选", "Single choice"),
    QuestionType.MULTIPLE_CHOICE: ("多选", "Multiple choice"),
    QuestionType.YES_NO: ("是 / 否", "Yes / no"),
    QuestionType.NUMBER: ("数字", "Number"),
    QuestionType.DATE: ("日期", "Date"),
    QuestionType.TIME: ("时间", "Time"),
    QuestionType.DATETIME: ("日期和时间", "Date and time"),
    QuestionType.IDENTITY_DOCUMENT: ("证件", "Identity document"),
    QuestionType.PHONE: ("电话号码", "Phone number"),
    QuestionType.CONFIRMATION: ("确认", "Confirmation"),
    QuestionType.GROUP: ("重复组", "Repeated group"),
    QuestionType.CALCULATE: ("计算值（不提问）", "Calculated value (not asked)"),
}

STRINGS: dict[str, dict[str, str]] = {
    **{f"type_{t.value}": {"zh": zh, "en": en} for t, (zh, en) in _TYPES.items()},
    "templates": {"zh": "问题模板", "en": "Templates"},
    "draft": {"zh": "草稿", "en": "draft"},
    "awaiting": {"zh": "待第二名管理员批准", "en": "awaiting a second admin"},
    "retired": {"zh": "已停用", "en": "retired"},
    "version": {"zh": "第 {n} 版", "en": "version {n}"},
    "new_template": {"zh": "新建模板", "en": "New template"},
    "edit": {"zh": "编辑新版本", "en": "Edit a new version"},
    "import": {"zh": "导入 YAML", "en": "Import YAML"},
    "export": {"zh": "导出 YAML", "en": "Export YAML"},
    "retire": {"zh": "停用此版本", "en": "Retire this version"},
    "restore": {"zh": "恢复此版本", "en": "Restore this version"},
    "diff": {"zh": "版本对比", "en": "Compare versions"},
    "save": {"zh": "保存草稿", "en": "Save draft"},
    "save_conflict": {
        "zh": "{who} 在 {time} 也修改并保存了这份草稿。您的修改还在这里，尚未保存：按“保存草稿”"
              "以您的为准（覆盖对方的修改）；重新打开草稿则看到对方的版本（您这次的修改不保留）。",
        "en": "{who} also changed and saved this draft at {time}. Your changes are still here, "
              "not saved: press Save draft to keep yours (over theirs), or open the draft again "
              "to see theirs (yours are then dropped).",
    },
    "saved": {"zh": "草稿已保存 {time}", "en": "Draft saved {time}"},
    "publish": {"zh": "发布为新版本", "en": "Publish as a new version"},
    "approve": {"zh": "批准发布", "en": "Approve publication"},
    "discard": {"zh": "放弃草稿", "en": "Discard draft"},
    "published": {"zh": "已发布 {id} 第 {n} 版。进行中的案件仍使用原来的版本。",
                  "en": "Published {id} version {n}. Cases under way keep their version."},
    "requested": {"zh": "已提交发布申请，需另一名管理员批准。",
                  "en": "Publication requested; a second admin must approve it."},
    "cannot_publish": {"zh": "草稿还有 {n} 处问题，改正后才能发布。",
                       "en": "The draft has {n} problems; correct them before publishing."},
    "problems": {"zh": "{n} 处问题", "en": "{n} problems"},
    "no_problems": {"zh": "没有问题，可以发布", "en": "No problems: ready to publish"},
    "no_draft": {"zh": "选择一个模板，点“编辑”开始新版本的草稿。",
                 "en": "Choose a template and press Edit to start a draft of a new version."},
    "add_question": {"zh": "添加问题", "en": "Add question"},
    "add_section": {"zh": "添加部分", "en": "Add section"},
    "remove": {"zh": "删除", "en": "Remove"},
    "up": {"zh": "上移", "en": "Move up"},
    "down": {"zh": "下移", "en": "Move down"},
    "undo": {"zh": "撤销", "en": "Undo"},
    "redo": {"zh": "重做", "en": "Redo"},
    "undo_tip": {"zh": "撤销上一步修改（Ctrl+Z）", "en": "Undo the last change (Ctrl+Z)"},
    "redo_tip": {"zh": "重做刚撤销的修改（Ctrl+Shift+Z 或 Ctrl+Y）",
                 "en": "Redo the change just undone (Ctrl+Shift+Z or Ctrl+Y)"},
    "new_id": {"zh": "新问题的编号（小写字母、数字、下划线）",
               "en": "The new question's id (lower-case letters, digits, _)"},
    "new_prompt": {"zh": "问题（中文）", "en": "Question (English)"},
    "new_prompt_hint": {"zh": "例如：你是否承认违法事实？编号由此生成，也可以自己改。",
                        "en": "E.g. Do you admit the facts? The id is made from it; change it "
                              "if you like."},
    "new_section_id": {"zh": "新部分的编号", "en": "The new section's id"},
    "question_type": {"zh": "问题类型", "en": "Question type"},
    "template_id": {"zh": "模板编号（例如 petty-fraud）", "en": "Template id (e.g. petty-fraud)"},
    "template_title": {"zh": "名称（{which}）", "en": "Title ({which})"},
    "eligibility": {"zh": "适用条件", "en": "Eligibility"},
    "exclusions": {"zh": "不适用情形", "en": "Exclusions"},
    "template_node": {"zh": "模板信息", "en": "Template"},
    "preview": {"zh": "自助机预览", "en": "Kiosk preview"},
    "preview_hidden": {"zh": "此问题只在以下条件成立时显示：{condition}",
                       "en": "This question shows only when: {condition}"},
    "preview_question": {"zh": "问题画面", "en": "Question screen"},
    "preview_statement": {"zh": "笔录（当事人核对时所见）",
                          "en": "Statement (as the party reviews it)"},
    "preview_choose": {"zh": "在左侧选择一个问题，这里显示自助机上的画面。",
                       "en": "Choose a question on the left to see its kiosk screen here."},
    "preview_calculated": {
        "zh": "计算值不向当事人提问。按示例回答，它的值是：{value}",
        "en": "A calculated value is not asked. With the sample answers it is: {value}",
    },
    "preview_invalid": {
        "zh": "改正问题后显示预览。",
        "en": "Correct the problems to see the preview.",
    },
    "speak": {"zh": "朗读", "en": "Read aloud"},
    "add_choice": {"zh": "添加选项", "en": "Add choice"},
    "remove_choice": {"zh": "删除选项", "en": "Remove choice"},
    "expression_hint": {
        "zh": "表达式，例如 hit_count > 1",
        "en": "An expression, e.g. hit_count > 1",
    },
    "bad_expression": {"zh": "表达式有误：{why}", "en": "Not a valid expression: {why}"},
    "missing_translation": {
        "zh": "缺少翻译：{languages}",
        "en": "Translation missing: {languages}",
    },
    "field_id": {"zh": "编号", "en": "Id"},
    "field_version": {"zh": "版本", "en": "Version"},
    "field_title": {"zh": "名称", "en": "Title"},
    "field_description": {"zh": "说明", "en": "Description"},
    "field_legal_basis": {"zh": "法律依据", "en": "Legal basis"},
    "field_type": {"zh": "类型", "en": "Type"},
    "field_prompt": {"zh": "问题", "en": "Question"},
    "field_help": {"zh": "提示", "en": "Help line"},
    "field_read_aloud": {"zh": "朗读文字", "en": "Read-aloud text"},
    "field_required": {"zh": "必答", "en": "Required"},
    "field_show_if": {"zh": "显示条件", "en": "Show if"},
    "field_constraint": {"zh": "答案约束", "en": "Constraint"},
    "field_constraint_message": {"zh": "不符合约束时的提示", "en": "Constraint message"},
    "field_min": {"zh": "最小值", "en": "Minimum"},
    "field_max": {"zh": "最大值", "en": "Maximum"},
    "field_choices": {"zh": "选项", "en": "Choices"},
    "field_repeat_count": {"zh": "重复次数（表达式）", "en": "Repeat count (expression)"},
    "field_max_items": {"zh": "最多重复", "en": "At most"},
    "field_item_label": {"zh": "每项标题（{n} 为序号）", "en": "Item title ({n}: number)"},
    "retype_title": {"zh": "更改问题类型", "en": "Change the question's type"},
    "retype_drops": {
        "zh": "改为“{type}”会删除这个问题的{what}。需要时可以按“撤销”找回。确定更改吗？",
        "en": "Changing it to \u201c{type}\u201d removes its {what}. Undo brings them back if "
              "needed. Change the type?",
    },
    "retype_yes": {"zh": "更改类型", "en": "Change the type"},
    "drops_questions": {"zh": " {n} 个子问题", "en": "{n} questions"},
    "drops_choices": {"zh": " {n} 个选项", "en": "{n} choices"},
    "field_calculation": {"zh": "计算公式（表达式）", "en": "Calculation (expression)"},
    "calculate_help": {
        "zh": "计算值不向当事人提问，由公式根据前面的回答得出；其他问题的显示条件、约束、"
              "不适用情形和笔录文字（{编号}）都可以使用它。",
        "en": "A calculated value is not asked: its calculation works it out from the answers "
              "before it. Show-if conditions, constraints, exclusions and the statement "
              "wording ({id}) can use it.",
    },
    "field_when": {"zh": "何时不适用（表达式）", "en": "When (expression)"},
    "field_reason": {"zh": "原因", "en": "Reason"},
    "field_statement_question": {"zh": "笔录中的问", "en": "Statement: question"},
    "field_statement_answer": {"zh": "笔录中的答（{answer} 为回答）",
                               "en": "Statement: answer ({answer}: the answer)"},
    "field_statement_yes": {"zh": "笔录中回答“是”", "en": "Statement: a yes"},
    "field_statement_no": {"zh": "笔录中回答“否”", "en": "Statement: a no"},
    "field_statement": {"zh": "笔录", "en": "Statement"},
    "in_statement": {"zh": "写入笔录", "en": "Printed in the statement"},
    "same_as_prompt": {"zh": "（与问题相同）", "en": "(the same as the question)"},
    "not_a_number": {"zh": "请填写数字，例如 1", "en": "Enter a number, e.g. 1"},
    "field_languages": {"zh": "语言", "en": "Languages"},
    "field_eligibility": {"zh": "适用条件", "en": "Eligibility"},
    "field_sections": {"zh": "部分", "en": "Sections"},
    "field_exclusions": {"zh": "不适用情形", "en": "Exclusions"},
    "field_questions": {"zh": "问题列表", "en": "Questions"},
    "field_label": {"zh": "选项文字", "en": "Choice label"},
    "field_decimal": {"zh": "允许小数", "en": "Decimals allowed"},
    "add_exclusion": {"zh": "添加不适用情形", "en": "Add exclusion"},
    "new_exclusion_id": {"zh": "新不适用情形的编号（小写字母、数字、下划线）",
                         "en": "The new exclusion's id (lower-case letters, digits, _)"},
    "discard_title": {"zh": "放弃草稿", "en": "Discard the draft"},
    "discard_ask": {
        "zh": "放弃“{title}”的草稿？草稿中的所有修改都会丢弃。"
              "关闭编辑器之前，可以按“恢复草稿”找回。",
        "en": "Discard the draft of \u201c{title}\u201d? All its changes are dropped. Until the "
              "editor is closed, Restore draft brings it back.",
    },
    "discard_yes": {"zh": "放弃草稿", "en": "Discard the draft"},
    "discarded": {"zh": "已放弃“{title}”的草稿。",
                  "en": "The draft of \u201c{title}\u201d was discarded."},
    "undo_discard": {"zh": "恢复草稿", "en": "Restore draft"},
    "publish_title": {"zh": "发布新版本", "en": "Publish a new version"},
    "publish_ask": {
        "zh": "将“{title}”发布为第 {n} 版？发布后新案件使用这一版，已发布的版本不能再修改；"
              "进行中的案件仍使用原来的版本。",
        "en": "Publish \u201c{title}\u201d as version {n}? New cases will use it and a published "
              "version can no longer be changed; cases under way keep their version.",
    },
    "request_ask": {
        "zh": "提交“{title}”第 {n} 版的发布申请？需要另一名管理员批准后才会发布。",
        "en": "Request publication of \u201c{title}\u201d version {n}? A second admin must "
              "approve it.",
    },
    "approve_ask": {
        "zh": "批准发布“{title}”第 {n} 版（由 {who} 申请）？",
        "en": "Approve \u201c{title}\u201d version {n} (requested by {who}) for publication?",
    },
    "publish_yes": {"zh": "发布", "en": "Publish"},
    "request_yes": {"zh": "提交申请", "en": "Request"},
    "approve_yes": {"zh": "批准发布", "en": "Approve"},
    "diff_title": {"zh": "版本对比：{id}", "en": "Comparing versions: {id}"},
    "ok": {"zh": "确定", "en": "OK"},
    "cancel": {"zh": "取消", "en": "Cancel"},
    "close": {"zh": "关闭", "en": "Close"},
    "failed": {"zh": "未能完成：{why}", "en": "Not done: {why}"},
    "import_refused": {"zh": "文件有问题，没有导入：\n{problems}",
                       "en": "The file has problems; nothing was imported:\n{problems}"},
    "exported": {"zh": "已导出到 {path}", "en": "Exported to {path}"},
}


def tr(key: str, language: str, **values: object) -> str:
    return lookup(STRINGS, key, language, values)


def field_name(key: str, language: str) -> str:
    """A template key as the admin's form calls it ("prompt" is 问题); unknown keys as written."""
    entry = STRINGS.get(f"field_{key.replace('.', '_')}")
    if entry is None:
        return key
    words = entry.get(language) or entry["zh"]
    return re.split(r"（| \(", words)[0]  # without its hint ("{n} 为序号")


def problem_words(problem: TemplateProblem, language: str) -> str:
    """A loader's problem in the admin's words: the keys it names ("prompt", "item_label") as
    the form's labels, never as YAML."""
    if problem.code is None:
        return problem.message
    params = dict(problem.params)
    key = params.get("key")
    if isinstance(key, str):
        # The texts of a statement are named by their own key ("answer"): the field says more.
        named = problem.field if problem.field and problem.field.startswith("statement.") \
            and problem.field.endswith(f".{key}") else key
        params["key"] = field_name(named, language)
    allowed = params.get("allowed")
    if isinstance(allowed, Joined):
        params["allowed"] = Joined(tuple(field_name(str(k), language) for k in allowed.items),
                                   allowed.separator)
    return render(problem.code, params, language)
