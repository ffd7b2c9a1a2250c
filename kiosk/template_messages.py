"""What can be wrong in a template or an expression, worded in each language an admin reads.

The loader (kiosk/template_loader.py) and the expression checker (kiosk/expressions.py) report
a problem as a code and its parameters; this catalog words them. English is exactly what
`kiosk template validate` prints; Chinese is what the admin's template editor shows. Keys and ids
stay as written, in quotes. A parameter that is itself a word ("a section", "a number") is a
`Term`, worded here too, so a Chinese sentence never carries an English word that was not typed
by the admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

Wording = Mapping[str, str]  # language -> str.format pattern


@runtime_checkable
class Phrase(Protocol):
    """Anything said differently in each language: a Term, a Joined list, an ExpressionError."""

    def text(self, language: str) -> str: ...


@dataclass(frozen=True)
class Term:
    """A word or phrase used inside a message ("a section", "question 'x'"), by its code."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def text(self, language: str) -> str:
        return render(self.code, dict(self.params), language)

    def __str__(self) -> str:
        return self.text("en")


def term(code: str, **params: object) -> Term:
    return Term(code, tuple(params.items()))


@dataclass(frozen=True)
class Joined:
    """Several values said as one: a list ("a, b" / "a、b"), clauses, or a dependency path."""

    items: tuple[object, ...]
    separator: str = "list"  # a key of SEPARATORS

    def text(self, language: str) -> str:
        between = SEPARATORS[self.separator]
        return (between.get(language) or between["en"]).join(
            str(said(item, language)) for item in self.items)


SEPARATORS: dict[str, Wording] = {
    "list": {"zh": "、", "en": ", "},
    "clauses": {"zh": "；", "en": "; "},
    "path": {"zh": " → ", "en": " -> "},
}

# -- words used inside messages ------------------------------------------------------------------

TERMS: dict[str, Wording] = {
    # where a problem is (TemplateProblem.located)
    "located.line": {"zh": "{file} 第 {line} 行{about}：{problem}",
                     "en": "{file}:{line}:{about} {problem}"},
    "located.file": {"zh": "文件 {file}{about}：{problem}", "en": "{file}:{about} {problem}"},
    "located.question": {"zh": "（问题 {id}）", "en": " [question {id}]"},
    # what a mapping of keys is (YamlReader.keys, "a question must be a mapping")
    "word.the_template": {"zh": "模板", "en": "the template"},
    "word.a_section": {"zh": "部分", "en": "a section"},
    "word.a_question": {"zh": "问题", "en": "a question"},
    "word.question_named": {"zh": "“{id}” 这个问题", "en": "question '{id}'"},
    "word.a_choice": {"zh": "选项", "en": "a choice"},
    "word.statement_key": {"zh": "“statement” 这一项", "en": "'statement'"},
    "word.an_exclusion": {"zh": "不适用情形", "en": "an exclusion"},
    # whose id is wrong (YamlReader.identifier)
    "word.template": {"zh": "模板", "en": "template"},
    "word.section": {"zh": "部分", "en": "section"},
    "word.question": {"zh": "问题", "en": "question"},
    "word.exclusion": {"zh": "不适用情形", "en": "exclusion"},
    # what is wrong with statement_order
    "word.order_missing": {"zh": "缺少：{ids}", "en": "missing: {ids}"},
    "word.order_unknown": {"zh": "没有这个部分：{ids}", "en": "unknown: {ids}"},
    "word.order_twice": {"zh": "有部分列了两次", "en": "a section is listed twice"},
    # kinds of values in expressions
    "kind.number": {"zh": "数字", "en": "a number"},
    "kind.text": {"zh": "文字", "en": "text"},
    "kind.boolean": {"zh": "真/假值", "en": "true/false"},
    "kind.list": {"zh": "列表", "en": "a list"},
    "kind.date": {"zh": "日期", "en": "a date"},
    "kind.datetime": {"zh": "日期和时间", "en": "a date and time"},
    "kind.time": {"zh": "时间", "en": "a time"},
    "kind.value": {"zh": "某个值", "en": "a value"},
    "kind.other": {"zh": "{type} 类型的值", "en": "a value of type {type}"},
    # constructs an expression may not use
    "construct.lambda": {"zh": "匿名函数 lambda", "en": "a lambda"},
    "construct.list_comprehension": {"zh": "列表推导式", "en": "a list comprehension"},
    "construct.set_comprehension": {"zh": "集合推导式", "en": "a set comprehension"},
    "construct.dict_comprehension": {"zh": "字典推导式", "en": "a dict comprehension"},
    "construct.generator": {"zh": "生成器表达式", "en": "a generator expression"},
    "construct.f_string": {"zh": "格式化字符串（f'...'）", "en": "an f-string"},
    "construct.subscript": {"zh": "下标或切片（值后面的 [...]）",
                            "en": "indexing or slicing ([...] after a value)"},
    "construct.slice": {"zh": "切片", "en": "a slice"},
    "construct.starred": {"zh": "星号参数（*x）", "en": "a starred argument (*x)"},
    "construct.conditional": {"zh": "条件表达式（x if c else y）",
                              "en": "a conditional expression (x if c else y)"},
    "construct.assignment": {"zh": "赋值表达式（:=）", "en": "an assignment expression (:=)"},
    "construct.dict": {"zh": "字典（{{...}}）", "en": "a dict literal ({{...}})"},
    "construct.set": {"zh": "集合（{{...}}）", "en": "a set literal ({{...}})"},
    "construct.tuple": {"zh": "元组（请改用列表 [...]）",
                        "en": "a tuple (use a list [...] instead)"},
    "construct.await": {"zh": "关键字 await", "en": "await"},
    "construct.yield": {"zh": "关键字 yield", "en": "yield"},
    "construct.yield_from": {"zh": "关键字 yield from", "en": "yield from"},
    "construct.bytes": {"zh": "字节串", "en": "a bytes literal"},
    "construct.complex": {"zh": "复数", "en": "a complex number"},
    "construct.literal": {"zh": "字面量 {type}", "en": "the literal {type}"},
    "construct.other": {"zh": "语法结构 {type}", "en": "the construct {type}"},
    "construct.unary_plus": {"zh": "单目运算符 “+”", "en": "unary '+'"},
    "construct.invert": {"zh": "运算符 “~”", "en": "'~'"},
    "construct.operator": {"zh": "这个运算符", "en": "this operator"},
    "construct.comparison": {"zh": "这个比较", "en": "this comparison"},
    # how many arguments a function takes
    "arity.none": {"zh": "不接受参数", "en": "takes no arguments"},
    "arity.one": {"zh": "需要 1 个参数", "en": "takes 1 argument"},
    "arity.exactly": {"zh": "需要 {n} 个参数", "en": "takes {n} arguments"},
    "arity.at_least_one": {"zh": "至少需要 1 个参数", "en": "takes at least 1 argument"},
    "arity.at_least": {"zh": "至少需要 {n} 个参数", "en": "takes at least {n} arguments"},
}

# -- what the loader finds wrong in a template (TemplateProblem.code) ------------------------------

PROBLEMS: dict[str, Wording] = {
    # the file
    "file_too_large": {"zh": "文件超过 {megabytes} MB",
                       "en": "the file is larger than {megabytes} MB"},
    "unreadable": {"zh": "无法读取文件：{error}", "en": "cannot be read: {error}"},
    "not_yaml": {"zh": "不是有效的 YAML：{detail}", "en": "not valid YAML: {detail}"},
    "aliases": {"zh": "模板中不能使用 YAML 的锚点和别名（& 和 *）",
                "en": "YAML anchors and aliases (& and *) are not allowed in templates"},
    "too_many_values": {"zh": "模板太大（超过 {limit} 个值）",
                        "en": "the template is too large (more than {limit} values)"},
    # keys
    "not_mapping": {"zh": "{what}必须写成“键: 值”的形式",
                    "en": "{what} must be a mapping of keys to values"},
    "unknown_key": {"zh": "{what}中有未知的键 “{key}”（可用的键：{allowed}）",
                    "en": "unknown key '{key}' in {what} (allowed: {allowed})"},
    "missing_key": {"zh": "{what}缺少必填的键 “{key}”",
                    "en": "{what} lacks the required key '{key}'"},
    "bad_id": {"zh": "{what}编号 “{value}” 只能由小写字母、数字和 “_” 组成，并以字母开头",
               "en": "{what} id {value!r} must be lower-case letters, digits and '_' starting "
                     "with a letter"},
    "not_boolean": {"zh": "“{key}” 只能是 true 或 false", "en": "'{key}' must be true or false"},
    "not_number": {"zh": "“{key}” 必须是数字", "en": "'{key}' must be a number"},
    "not_positive_whole_number": {"zh": "“{key}” 必须是不小于 1 的整数",
                                  "en": "'{key}' must be a whole number >= 1"},
    # the top level
    "languages_not_list": {"zh": "“languages” 必须是语言代码的列表，例如 [zh, en]",
                           "en": "'languages' must be a list of language codes such as [zh, en]"},
    "languages_lacks": {"zh": "“languages” 必须包括 “{language}”",
                        "en": "'languages' must include '{language}'"},
    "languages_twice": {"zh": "“languages” 中有重复的语言",
                        "en": "'languages' lists a language twice"},
    "eligibility_not_list": {"zh": "“eligibility” 必须是问题的列表",
                             "en": "'eligibility' must be a list of questions"},
    "sections_empty": {"zh": "“sections” 必须是列表，且至少有一个部分",
                       "en": "'sections' must be a non-empty list"},
    "exclusions_not_list": {"zh": "“exclusions” 必须是列表", "en": "'exclusions' must be a list"},
    "offence_unknown": {"zh": "“offence” 必须是法律数据中的违法行为之一"
                              "（{known}），不是 “{offence}”",
                        "en": "'offence' must be one of the offences of the law data ({known}), "
                              "not '{offence}'"},
    "role_unknown": {"zh": "“role” 必须是 {roles} 之一，不是 “{role}”（不写：违法嫌疑人的模板）",
                     "en": "'role' must be one of {roles}, not '{role}' (none: an offender's "
                           "template)"},
    "fact_bad": {"zh": "“fact” 必须是 “facts.” 加小写英文名称，例如 “facts.time”，不是 “{value}”",
                 "en": "'fact' must be 'facts.' and a lowercase name, like 'facts.time', "
                       "not '{value}'"},
    "fact_twice": {"zh": "共同事实 “{fact}” 已由问题 “{other}” 提问，一个模板只能问一次",
                   "en": "the shared fact '{fact}' is already asked by question '{other}'; a "
                         "template asks each fact once"},
    "statement_order_not_list": {"zh": "“statement_order” 必须是部分编号的列表",
                                 "en": "'statement_order' must be a list of section ids"},
    "statement_order_incomplete": {
        "zh": "“statement_order” 必须把每个部分（包括 “eligibility”）各列一次（{detail}）",
        "en": "'statement_order' must list every section once, 'eligibility' included ({detail})",
    },
    # sections, questions, choices
    "section_without_questions": {"zh": "部分 “{section}” 至少要有一个问题",
                                  "en": "section '{section}' needs a non-empty list of questions"},
    "unknown_type": {"zh": "没有 “{type}” 这种问题类型（可用的类型：{types}）",
                     "en": "unknown question type {type!r} (one of: {types})"},
    "constraint_without_message": {
        "zh": "有 “constraint” 就要写 “constraint_message”，告诉当事人应当怎样填写",
        "en": "a 'constraint' needs a 'constraint_message' telling the party what to enter",
    },
    "group_in_group": {"zh": "重复组里不能再放重复组", "en": "a group cannot hold another group"},
    "group_without_questions": {"zh": "重复组至少要有一个问题",
                                "en": "a group needs a non-empty list of questions"},
    "yes_no_wording_elsewhere": {
        "zh": "只有 yes_no（是 / 否）问题才能写 “yes” 和 “no” 的笔录文字",
        "en": "'yes' and 'no' wording is only for yes_no questions",
    },
    "too_few_choices": {"zh": "“choices” 至少要有两个选项",
                        "en": "'choices' must list at least two choices"},
    "bad_choice_id": {"zh": "选项编号 “{id}” 只能由小写字母、数字和 “_” 组成",
                      "en": "choice id {id!r} must be lower-case letters, digits and '_'"},
    "choice_id_twice": {"zh": "选项编号 “{id}” 重复了", "en": "choice id '{id}' appears twice"},
    # texts
    "empty_text": {"zh": "“{key}” 不能为空", "en": "'{key}' is empty"},
    "text_not_per_language": {"zh": "“{key}” 要按语言分别填写，例如 {{zh: ..., en: ...}}",
                              "en": "'{key}' must give the text per language, e.g. "
                                    "{{zh: ..., en: ...}}"},
    "text_not_mapping": {"zh": "“{key}” 必须按“语言: 文字”的形式填写",
                         "en": "'{key}' must be a mapping of language to text"},
    "text_language_unknown": {
        "zh": "“{key}” 有 “{language}” 的文字，但模板的语言中没有 “{language}”",
        "en": "'{key}' has text in '{language}', which is not among the template's languages",
    },
    "text_empty_language": {"zh": "“{key}” 的 “{language}” 文字不能为空",
                            "en": "'{key}' in '{language}' must be non-empty text"},
    "missing_translation": {"zh": "“{key}” 缺少 “{language}” 的翻译",
                            "en": "'{key}' lacks the '{language}' translation"},
    "unknown_placeholder": {"zh": "“{key}”（{language}）用到了未知的占位符 {{{name}}}",
                            "en": "'{key}' ({language}) uses the unknown placeholder {{{name}}}"},
    "statement_unknown_placeholder": {
        "zh": "笔录文字（{language}）用到了未知的占位符 {{{name}}}",
        "en": "the statement wording ({language}) uses the unknown placeholder {{{name}}}",
    },
    # expressions and what they refer to
    "expression_not_text": {"zh": "“{key}” 必须是写成文字的表达式",
                            "en": "'{key}' must be an expression written as text"},
    "invalid_expression": {"zh": "“{key}” 的表达式有误：{error}",
                           "en": "'{key}' is not a valid expression: {error}"},
    "unknown_name": {"zh": "“{key}” 用到了 “{name}”，但本模板没有这个问题",
                     "en": "'{key}' uses '{name}', which is not a question of this template"},
    "unknown_party_field": {"zh": "“{key}” 用到了 “{name}”，当事人的字段只有 {fields}",
                            "en": "'{key}' uses '{name}'; the party's fields are {fields}"},
    "dependency_cycle": {"zh": "问题之间循环依赖：{path}", "en": "dependency cycle: {path}"},
    "depends_on_later": {
        "zh": "用到了后面才问的 “{name}”；只能用到在它之前提问的问题",
        "en": "depends on '{name}', which is asked later; a question can only depend on "
              "questions before it",
    },
    # ids used twice
    "section_id_twice": {"zh": "部分编号 “{id}” 重复了", "en": "section id '{id}' appears twice"},
    "question_id_twice": {"zh": "问题编号 “{id}” 重复了", "en": "question id '{id}' appears twice"},
    "group_question_id_twice": {"zh": "重复组里的问题编号 “{id}” 重复了",
                                "en": "question id '{id}' appears twice in the group"},
    "exclusion_id_twice": {"zh": "不适用情形编号 “{id}” 重复了",
                           "en": "exclusion id '{id}' appears twice"},
}

# -- why an expression is refused (ExpressionError.code) ------------------------------------------

EXPRESSION_ERRORS: dict[str, Wording] = {
    "expression.at_column": {"zh": "{message}（第 {column} 列）",
                             "en": "{message} at column {column}"},
    "expression.at_line_column": {"zh": "{message}（第 {line_no} 行第 {column} 列）",
                                  "en": "{message} at line {line_no}, column {column}"},
    "expression.not_text": {"zh": "表达式必须是文字，不能是 {type}",
                            "en": "an expression must be text, not {type}"},
    "expression.too_long": {"zh": "表达式太长（{length} 个字符，最多 {limit} 个）",
                            "en": "the expression is too long ({length} characters; "
                                  "at most {limit})"},
    "expression.empty": {"zh": "表达式是空的", "en": "the expression is empty"},
    "expression.nul": {"zh": "表达式中有空字符（U+0000）",
                       "en": "the expression contains a NUL character"},
    "expression.unreadable": {"zh": "无法读取表达式", "en": "the expression cannot be read"},
    "expression.unreadable_because": {"zh": "无法读取表达式（{reason}）",
                                      "en": "the expression cannot be read: {reason}"},
    "expression.too_deep": {"zh": "表达式嵌套太深（超过 {limit} 层）",
                            "en": "the expression is nested too deeply (more than {limit} levels)"},
    "expression.comment": {"zh": "表达式中不能写注释（#）",
                           "en": "comments (#) are not allowed in an expression"},
    # Python's own words for a syntax error, where they are known; any other is passed on as is
    "expression.syntax": {"zh": "语法错误：{detail}", "en": "syntax error: {detail}"},
    "expression.syntax_invalid": {"zh": "语法错误，这里写得不对",
                                  "en": "syntax error: invalid syntax"},
    "expression.syntax_comma": {"zh": "语法错误，可能漏写了逗号",
                                "en": "syntax error: invalid syntax. Perhaps you forgot a comma?"},
    "expression.syntax_never_closed": {"zh": "语法错误：“{bracket}” 没有对应的右括号",
                                       "en": "syntax error: '{bracket}' was never closed"},
    "expression.syntax_unmatched": {"zh": "语法错误：多了一个 “{bracket}”",
                                    "en": "syntax error: unmatched '{bracket}'"},
    "expression.syntax_mismatched": {
        "zh": "语法错误：右括号 “{closing}” 与左括号 “{opening}” 不配对",
        "en": "syntax error: closing parenthesis '{closing}' does not match opening "
              "parenthesis '{opening}'",
    },
    "expression.syntax_unterminated": {
        "zh": "语法错误：第 {line_no} 行的引号没有闭合",
        "en": "syntax error: unterminated string literal (detected at line {line_no})",
    },
    "expression.syntax_character": {
        "zh": "语法错误：不能使用字符 “{character}”（U+{codepoint}），请改用半角（英文）符号",
        "en": "syntax error: invalid character '{character}' (U+{codepoint})",
    },
    "expression.syntax_invisible": {
        "zh": "语法错误：有看不见的字符（U+{codepoint}），请删除",
        "en": "syntax error: invalid non-printable character U+{codepoint}",
    },
    "expression.syntax_number": {"zh": "语法错误：数字写得不对",
                                 "en": "syntax error: invalid decimal literal"},
    "expression.syntax_leading_zero": {
        "zh": "语法错误：整数不能以 0 开头",
        "en": "syntax error: leading zeros in decimal integer literals are not permitted; "
              "use an 0o prefix for octal integers",
    },
    "expression.syntax_nesting": {"zh": "语法错误：括号嵌套太多",
                                  "en": "syntax error: too many nested parentheses"},
    # constructs, names and operators
    "expression.not_allowed": {"zh": "不能使用{construct}", "en": "{construct} is not allowed"},
    "expression.none": {"zh": "不能使用 None（表达式中没有“空值”）",
                        "en": "None is not allowed (there is no empty value)"},
    "expression.operator_not_allowed": {"zh": "不能使用运算符 “{symbol}”",
                                        "en": "the operator '{symbol}' is not allowed"},
    "expression.identity": {"zh": "不能使用 “{symbol}”，请用 “==” 或 “!=”",
                            "en": "'{symbol}' is not allowed; use '==' or '!='"},
    "expression.party_alone": {
        "zh": "“party” 后面要写字段，例如 party.birth_date、party.sex 或 party.nationality",
        "en": "'party' needs a field, such as party.birth_date, party.sex or party.nationality",
    },
    "expression.function_as_name": {"zh": "“{name}” 是函数，要写成 {name}(...)",
                                    "en": "'{name}' is a function; call it as {name}(...)"},
    "expression.bad_name": {
        "zh": "不能使用名称 “{name}”：名称只能由小写字母、数字和 “_” 组成",
        "en": "the name {name!r} is not allowed: names are lower-case letters, digits and '_'",
    },
    "expression.attribute": {
        "zh": "只有 party 可以读取字段（“.{attr}”），例如 party.birth_date",
        "en": "reading an attribute ('.{attr}') is only allowed on party, as in party.birth_date",
    },
    "expression.party_field": {"zh": "party 没有 “{attr}” 这个字段；可用的有 {fields}",
                               "en": "unknown party field {attr!r}; use one of {fields}"},
    # the kinds of values operators and functions take
    "expression.logic_needs_boolean": {"zh": "“{word}” 两边都必须是真/假值，这里是{kind}",
                                       "en": "'{word}' needs true/false on both sides, got {kind}"},
    "expression.not_needs_boolean": {"zh": "“not” 后面必须是真/假值，这里是{kind}",
                                     "en": "'not' needs true/false, got {kind}"},
    "expression.minus_needs_number": {"zh": "“-” 后面必须是数字，这里是{kind}",
                                      "en": "'-' needs a number, got {kind}"},
    "expression.plus_needs": {"zh": "“+” 两边必须都是数字或都是文字，这里是{left}和{right}",
                              "en": "'+' needs two numbers or two texts, got {left} and {right}"},
    "expression.needs_numbers": {"zh": "“{symbol}” 两边都必须是数字，这里是{left}和{right}",
                                 "en": "'{symbol}' needs two numbers, got {left} and {right}"},
    "expression.in_needs_list": {"zh": "“{symbol}” 右边必须是列表或文字",
                                 "en": "'{symbol}' needs a list or text on its right"},
    "expression.in_needs_text": {
        "zh": "“{symbol}” 右边是文字时，左边也必须是文字，这里是{kind}",
        "en": "'{symbol}' with text on its right needs text on its left, got {kind}",
    },
    "expression.cannot_compare": {"zh": "不能用 “{symbol}” 比较{left}和{right}",
                                  "en": "cannot compare {left} with {right} using '{symbol}'"},
    # functions
    "expression.not_a_function": {"zh": "只能调用这些函数：{functions}",
                                  "en": "only the functions {functions} can be called"},
    "expression.unknown_function": {"zh": "没有 “{name}” 这个函数",
                                    "en": "unknown function {name!r}"},
    "expression.double_star": {"zh": "{name}() 中不能使用 “**” 参数",
                               "en": "a '**' argument is not allowed in {name}()"},
    "expression.keyword_argument": {"zh": "不能使用关键字参数（{arg}=...）",
                                    "en": "a keyword argument ({arg}=...) is not allowed"},
    "expression.starred_argument": {"zh": "{name}() 中不能使用星号参数（*x）",
                                    "en": "a starred argument (*x) is not allowed in {name}()"},
    "expression.argument_count": {"zh": "{name}({shape}) {arity}，这里给了 {count} 个",
                                  "en": "{name}({shape}) {arity}, got {count}"},
    "expression.needs_dates": {"zh": "{name}() 的参数必须是日期，这里是{kind}",
                               "en": "{name}() needs dates, got {kind}"},
    "expression.len_needs": {"zh": "len() 的参数必须是文字或列表，这里是{kind}",
                             "en": "len() needs text or a list, got {kind}"},
    "expression.date_needs_text": {
        "zh": "date() 的参数必须是写成 “YYYY-MM-DD” 的文字，这里是{kind}",
        "en": 'date() needs text written "YYYY-MM-DD", got {kind}',
    },
    "expression.date_format": {"zh": "date() 的日期必须写成 “YYYY-MM-DD”，这里是 “{text}”",
                               "en": 'date() needs a date written "YYYY-MM-DD", got {text!r}'},
    "expression.date_not_real": {"zh": "date() 中的 “{text}” 不是真实存在的日期",
                                 "en": "date() got {text!r}, which is not a real date"},
    "expression.cannot_choose": {"zh": "{name}() 不能在{kind}中比较大小",
                                 "en": "{name}() cannot choose among {kind}"},
    "expression.cannot_compare_in": {"zh": "{name}() 不能比较{left}和{right}",
                                     "en": "{name}() cannot compare {left} with {right}"},
}

CATALOG: dict[str, Wording] = {**TERMS, **PROBLEMS, **EXPRESSION_ERRORS}
assert len(CATALOG) == len(TERMS) + len(PROBLEMS) + len(EXPRESSION_ERRORS), "a code is used twice"


def said(value: object, language: str) -> object:
    """A parameter as a language says it: phrases worded, everything else as given."""
    return value.text(language) if isinstance(value, Phrase) else value


def render(code: str, params: Mapping[str, object], language: str) -> str:
    """The wording of `code` in `language` (English when it has none), parameters filled in."""
    wording = CATALOG[code]
    pattern = wording.get(language) or wording["en"]
    return pattern.format(**{name: said(value, language) for name, value in params.items()})
