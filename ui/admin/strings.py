"""Every fixed wording of `kiosk admin` (the window, accounts, station settings), in each language.

The template editor's own wording is in `ui/admin/editor/strings.py`.
"""

from __future__ import annotations

from ui.kiosk.strings import lookup

# What each station setting is, in each language: (label, explanation).
SETTING_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "station_name": {
        "zh": ("站点名称", "显示在自助机、审核台和打印的文书上。"),
        "en": ("Station name", "Shown on the kiosk, the consoles and the printed documents."),
    },
    "county_organ_name": {
        "zh": ("县级公安机关名称", "拘留和一千元以上罚款由县级公安机关决定，并以其名义作出"
                              "（《治安管理处罚法》第一百零九条），例如“示例市公安局示例分局”。"),
        "en": ("County-level organ", "Detention and fines over 1,000 yuan are decided by the "
               "county-level organ and issued in its name (PSAPL Art. 109)."),
    },
    "decision_number_prefix": {
        "zh": ("本所决定书文号前缀", "本所作出的决定书文号的前缀，例如“示例公（治）决字”，"
                                "文号如 示例公（治）决字〔2026〕第00012号。"),
        "en": ("Station decision number prefix", "The prefix of the document number of the "
               "station's decisions, e.g. 示例公（治）决字〔2026〕第00012号."),
    },
    "county_decision_number_prefix": {
        "zh": ("县级公安机关决定书文号前缀", "以县级公安机关名义作出的决定书文号的前缀"
                                      "（《治安管理处罚法》第一百零九条）。"),
        "en": ("County decision number prefix", "The prefix of the document number of "
               "decisions issued in the county-level organ's name (PSAPL Art. 109)."),
    },
    "reconsideration_body": {
        "zh": ("行政复议机关", "印在处罚决定书上：当事人可以向它申请行政复议（六十日内）。"),
        "en": ("Reconsideration body", "Printed on decisions: where the party may apply for "
               "reconsideration (within 60 days)."),
    },
    "court_name": {
        "zh": ("管辖法院", "印在处罚决定书上：当事人可以向它提起行政诉讼（六个月内）。"),
        "en": ("Court", "Printed on decisions: where the party may bring a lawsuit (within 6 "
               "months)."),
    },
    "fine_payment_place": {
        "zh": ("罚款缴纳银行", "印在罚款决定书上：指定银行及账号，或电子缴款的名称"
                           "（《治安管理处罚法》第一百二十三条）。"),
        "en": ("Where fines are paid", "Printed on fine decisions: the designated bank and "
               "account, or the electronic payment's name (PSAPL Art. 123)."),
    },
    "department_code": {
        "zh": ("单位代码", "9 位数字，是每个案件编号的一部分。"),
        "en": ("Department code", "9 digits; part of every case code."),
    },
    "action_type_code": {
        "zh": ("办案类别代码", "2 位数字，案件编号以它开头。"),
        "en": ("Action type code", "2 digits at the start of every case code."),
    },
    "custom_code": {
        "zh": ("自定义代码", "5 位数字，案件编号中的自定义段。"),
        "en": ("Custom code", "5 digits; the custom part of the case code."),
    },
    "timezone": {
        "zh": ("时区", "案件时间和案件编号中的日期按这个时区计算，例如 Asia/Shanghai。"),
        "en": ("Time zone", "Case times and the date in the case code are taken in this zone, "
               "e.g. Asia/Shanghai."),
    },
    "languages": {
        "zh": ("自助机语言", "自助机提供的语言，排在第一的是默认语言。"),
        "en": ("Kiosk languages", "The languages the kiosk offers; the first is the default."),
    },
    "review_chain": {
        "zh": ("审核层级", "按顺序逐级审核，每一级由具有该角色的人审核；同一人不能审核两级。"),
        "en": ("Review chain", "The review levels in order; each is decided by someone with "
               "that role, and nobody decides two levels of one case."),
    },
    "decision_deadline_hours": {
        "zh": ("作出决定期限（小时）", "从当事人到案时起算，审核台上倒计时。"),
        "en": ("Decision deadline (hours)", "Counted from the party's arrival; the consoles "
               "count it down."),
    },
    "questioning_limit_hours": {
        "zh": ("询问查证时限（小时）", "从到案时起算。"),
        "en": ("Questioning limit (hours)", "Counted from the party's arrival."),
    },
    "questioning_limit_detention_hours": {
        "zh": ("可能拘留时的询问时限（小时）", "案情可能适用行政拘留时的询问查证时限。"),
        "en": ("Questioning limit if detention is possible (hours)",
               "The questioning limit when the case may lead to detention."),
    },
    "hearing_fine_threshold": {
        "zh": ("需听证的罚款金额（元）", "罚款达到这个金额须听证，"
               "不适用快速办理；决定的罚款须低于它。"),
        "en": ("Fine that needs a hearing (yuan)", "A fine of this amount or more needs a "
               "hearing, so no fast-track; decided fines stay below it."),
    },
    "detention_days_excluded": {
        "zh": ("排除快速办理的拘留天数", "拘留达到这个天数不适用快速办理；决定的天数须少于它。"),
        "en": ("Detention days outside the fast-track", "Detention of this many days or more is "
               "outside the fast-track; decided days stay below it."),
    },
    "evidence_kinds_counting": {
        "zh": ("可作为其他证据的证据种类", "处罚不能只凭违法嫌疑人的陈述"
               "（《治安管理处罚法》第一百一十一条）：这些种类的证据才算其他证据"
               "（photo, video, document, receipt，以逗号分隔）。"),
        "en": ("Evidence that counts besides the statement", "No penalty rests on the party's own "
               "statement alone (PSAPL Art. 111): only these kinds count as other evidence "
               "(photo, video, document, receipt; comma-separated)."),
    },
    "evidence_max_mb": {
        "zh": ("证据文件上限（MB）", "民警添加的照片、视频或扫描件不能超过这个大小。"),
        "en": ("Largest evidence file (MB)", "A photo, clip or scan an officer adds may not be "
               "larger than this."),
    },
    "template_four_eyes": {
        "zh": ("模板发布须第二名管理员批准", "开启后，"
               "一名管理员申请发布的模板须由另一名管理员批准。"),
        "en": ("Four eyes for templates", "When on, a template one admin asks to publish needs "
               "a second admin's approval."),
    },
    "recording_required": {
        # PSAPL Art. 97, 108: without a complete synchronized recording a statement taken by
        # one officer cannot be the basis of a penalty.
        "zh": ("须有完整的同步录音录像", "开启时，询问没有完整同步录音录像（缺失、未结束或"
               "有中断）的案件不能最后审批。只有在执法办案场所以外由两名民警询问的，才可依法"
               "关闭（《治安管理处罚法》第九十七条、第一百零八条）。每次更改都记入审计。"),
        "en": ("Complete audio and video recording required", "When on, a case whose "
               "questioning has no complete synchronized recording (none, unfinished or with "
               "gaps) cannot be finally approved. Turning it off is lawful only where "
               "statements are taken outside a law-enforcement case area by two officers "
               "(PSAPL Art. 97, 108). Every change is audited."),
    },
    "recording_segment_seconds": {
        "zh": ("录像分段长度（秒）", "录音录像每隔这么久另存一段（1 至 60 秒）；"
               "机器突然断电最多丢失正在录的一段。"),
        "en": ("Recording segment length (seconds)", "The recording is closed into a new "
               "segment this often (1 to 60 s); a machine that dies loses at most the open one."),
    },
    "idle_timeout_seconds": {
        "zh": ("无操作返回首页（秒）", "自助机无人操作这么久后回到首页；已填写的回答都已保存。"),
        "en": ("Idle timeout (seconds)", "The kiosk returns to its start screen after this "
               "long untouched; every answer is already saved."),
    },
    "admin_pin": {
        "zh": ("管理 PIN", "工作人员退出自助机全屏时输入，4 到 12 位数字。留空则不修改。"),
        "en": ("Admin PIN", "Staff type it to leave the kiosk's full screen; 4 to 12 digits. "
               "Leave empty to keep it."),
    },
    "print_on_submit": {
        "zh": ("提交后打印笔录", "当事人提交后，自助机自动打印询问笔录。"),
        "en": ("Print the statement on submission", "The kiosk prints the statement when the "
               "party submits."),
    },
    "print_on_approval": {
        "zh": ("审批后打印决定书", "最后一级审批通过后自动打印处理决定。"),
        "en": ("Print the decision on approval", "The decision prints when the final level "
               "approves."),
    },
    "printer_backend": {
        "zh": ("打印方式", "CUPS 打印队列用于正式打印；写入文件夹只适合单机测试。"
               "某台电脑可在本机设置中另行指定。"),
        "en": ("Printer back-end", "A CUPS queue for real printing; a folder only for a single "
               "machine or tests. A machine may set its own in its station file."),
    },
    "printer_target": {
        "zh": ("打印队列或文件夹", "CUPS：队列名称，如 kiosk-hall（各电脑上名称须相同）；"
               "文件夹：路径，留空为数据目录下的 printed。"),
        "en": ("Printer queue or folder", "CUPS: the queue's name, e.g. kiosk-hall (the same "
               "name on every machine); folder: a path, empty for 'printed' in the data folder."),
    },
    "document_font": {
        "zh": ("文书字体", "打印文书嵌入的 TrueType 中文字体文件"
               "（.ttc 中第 N 个字体写作“路径:N”）；留空则自动查找系统字体。"),
        "en": ("Document font", "The TrueType Chinese font embedded in printed documents "
               "(path:N for the N-th face of a .ttc); empty: one found on the system."),
    },
    "login_max_failures": {
        "zh": ("登录失败几次后锁定", "连续输错密码这么多次后锁定账号（锁定多久见下一项）。"),
        "en": ("Failed logins before locking", "After this many wrong passwords in a row the "
               "account is locked (for how long: the next setting)."),
    },
    "login_lockout_minutes": {
        "zh": ("锁定时长（分钟）", "账号锁定这么多分钟后自动解锁，期间管理员重置密码也可解锁；"
               "填 0 则只有管理员重置密码才能解锁。"),
        "en": ("Lock-out (minutes)", "A locked account unlocks by itself after this many "
               "minutes (an admin's password reset unlocks it at once); 0: only a reset "
               "unlocks it."),
    },
}

STRINGS: dict[str, dict[str, str]] = {
    "window_title": {
        "zh": "快速办理管理后台 — {station}",
        "en": "Fast-track administration — {station}",
    },
    "login_title": {"zh": "管理员登录", "en": "Admin login"},
    "login_not_admin": {
        "zh": "该账号不是管理员，不能进入管理后台（需要管理员角色）。民警请使用审核台。",
        "en": "This account is not an admin and may not use the administration (it needs the "
        "admin role). Officers use the review console.",
    },
    "admin_title": {"zh": "管理后台", "en": "Administration"},
    "logout": {"zh": "退出登录", "en": "Log out"},
    "signed_in_as": {"zh": "{name}（管理员）", "en": "{name} (admin)"},
    "tab_templates": {"zh": "问题模板", "en": "Templates"},
    "tab_accounts": {"zh": "账号", "en": "Accounts"},
    "tab_settings": {"zh": "站点设置", "en": "Station settings"},
    "refused": {"zh": "未能完成：{why}", "en": "Not done: {why}"},
    "working": {"zh": "正在处理…", "en": "Working…"},
    "cancel": {"zh": "取消", "en": "Cancel"},
    # accounts
    "accounts_help": {
        "zh": "民警、法制员、审批人和管理员的登录账号。每项修改都以您的名义记入审计记录。",
        "en": "The logins of officers, reviewers, approvers and admins. Every change is "
        "recorded in the audit trail under your name.",
    },
    "new_account": {"zh": "新建账号", "en": "New account"},
    "col_username": {"zh": "用户名", "en": "User name"},
    "col_display": {"zh": "姓名", "en": "Name"},
    "col_roles": {"zh": "角色", "en": "Roles"},
    "col_state": {"zh": "状态", "en": "State"},
    "state_active": {"zh": "正常", "en": "active"},
    "state_disabled": {"zh": "已停用", "en": "disabled"},
    "state_locked": {"zh": "已锁定（连续 {n} 次登录失败）", "en": "locked after {n} failed logins"},
    "state_locked_until": {"zh": "已锁定至 {until}（连续 {n} 次登录失败）",
                           "en": "locked until {until} after {n} failed logins"},
    "state_failures": {"zh": "{n} 次登录失败", "en": "{n} failed logins"},
    "state_must_change": {"zh": "须修改密码", "en": "must change password"},
    "choose_account": {"zh": "在左侧选择一个账号。", "en": "Choose an account on the left."},
    "roles": {"zh": "角色", "en": "Roles"},
    "role_help_officer": {"zh": "开案、跟进、退回、转普通程序", "en": "opens and follows cases"},
    "role_help_reviewer": {"zh": "第一级审核", "en": "first review level"},
    "role_help_approver": {"zh": "最后一级审批", "en": "final review level"},
    # PSAPL Art. 109: detention and fines over 1,000 yuan are decided by the county-level organ.
    "role_help_county_approver": {"zh": "县级公安机关审批：拘留、一千元以上罚款",
                                  "en": "county organ: detention, fines over 1,000 yuan"},
    "role_help_admin": {"zh": "模板、账号、站点设置", "en": "templates, accounts, settings"},
    "save_roles": {"zh": "保存角色", "en": "Save roles"},
    "account_access": {"zh": "登录权限", "en": "Access"},
    "disable": {"zh": "停用账号", "en": "Disable account"},
    "enable": {"zh": "启用账号", "en": "Enable account"},
    "disable_help": {
        "zh": "停用后该账号不能再登录；它的记录全部保留。",
        "en": "A disabled account can no longer log in; its records are all kept.",
    },
    "enable_help": {
        "zh": "该账号已停用。启用后可以重新登录（同时清除登录失败次数）。",
        "en": "This account is disabled. Enabling lets it log in again (and clears its failed "
        "logins).",
    },
    "yourself": {
        "zh": "这是您正在使用的账号，不能由您自己停用。",
        "en": "This is the account you are logged in with; you cannot disable it yourself.",
    },
    "reset_title": {"zh": "重置密码", "en": "Reset the password"},
    "reset_help": {
        "zh": "设置一个临时密码并当面告诉对方；"
        "对方下次登录时必须改成自己的密码。重置同时解除锁定。",
        "en": "Set a temporary password and tell it to its owner in person; they must choose "
        "their own at the next login. A reset also unlocks the account.",
    },
    "temporary_password": {"zh": "临时密码", "en": "Temporary password"},
    "repeat_password": {"zh": "再输入一次", "en": "Again"},
    "do_reset": {"zh": "重置密码", "en": "Reset password"},
    "create_title": {"zh": "新建账号", "en": "New account"},
    "create_help": {
        "zh": "初始密码只用于第一次登录：对方登录后必须改成只有自己知道的密码。",
        "en": "The first password is for the first login only: its owner must then choose one "
        "only they know.",
    },
    "username": {"zh": "用户名", "en": "User name"},
    "username_hint": {"zh": "例如 wang.wu", "en": "e.g. wang.wu"},
    "display_name": {"zh": "姓名（显示名）", "en": "Display name"},
    "display_hint": {"zh": "例如 法制员 王五", "en": "e.g. Legal officer Wang Wu"},
    "initial_password": {"zh": "初始密码", "en": "First password"},
    "create": {"zh": "新建", "en": "Create"},
    "done_created": {
        "zh": "已新建账号 {user}。首次登录时须修改密码。",
        "en": "Account {user} created. It must change its password at the first login.",
    },
    "done_roles": {"zh": "已保存 {user} 的角色：{roles}", "en": "Roles of {user} saved: {roles}"},
    "done_roles_same": {
        "zh": "{user} 的角色没有变化。",
        "en": "The roles of {user} did not change.",
    },
    "done_disabled": {"zh": "已停用 {user}。", "en": "{user} is disabled."},
    "done_enabled": {"zh": "已启用 {user}。", "en": "{user} is enabled."},
    "done_reset": {
        "zh": "已重置 {user} 的密码并解除锁定；对方下次登录时须修改密码。",
        "en": "The password of {user} is reset and the account unlocked; it must be changed "
        "at the next login.",
    },
    "need_username": {"zh": "请填写用户名。", "en": "Enter a user name."},
    "need_password": {"zh": "请填写密码。", "en": "Enter a password."},
    "passwords_differ": {"zh": "两次输入的密码不一致。", "en": "The two passwords differ."},
    # the core's refusals about accounts (AccountError.reason)
    "account_username_shape": {
        "zh": "用户名须为 2–32 位小写字母、数字或 . _ -，以字母开头。",
        "en": "A user name is 2–32 lower-case letters, digits, '.', '_' or '-', starting with "
        "a letter.",
    },
    "account_username_taken": {
        "zh": "用户名 {user} 已被使用。",
        "en": "The user name {user} is taken.",
    },
    "account_password_short": {
        "zh": "密码至少需要 {min} 个字符。",
        "en": "A password needs at least {min} characters.",
    },
    "account_no_role": {"zh": "请至少选择一个角色。", "en": "Choose at least one role."},
    "account_unknown_role": {"zh": "未知角色：{role}。", "en": "Unknown role: {role}."},
    "account_last_admin": {
        "zh": "{user} 是最后一个启用的管理员，"
        "不能取消其管理员角色或停用：请先让另一个账号成为管理员。",
        "en": "{user} is the last enabled admin and cannot lose the admin role or be disabled: "
        "make another account an admin first.",
    },
    "account_disable_self": {
        "zh": "不能停用您自己正在使用的账号。",
        "en": "You cannot disable the account you are logged in with.",
    },
    "account_no_user": {
        "zh": "没有账号 {user}（可能已被改名）。",
        "en": "There is no account {user}.",
    },
    # station settings
    "settings_help": {
        "zh": "全站共用的设置，保存在数据库中，每台自助机和审核台都使用；每项修改都记入审计记录。",
        "en": "Settings shared by the whole station, kept in the database and used by every "
        "kiosk and console; every change is recorded in the audit trail.",
    },
    "restart_notice": {
        "zh": "正在运行的自助机和审核台只在启动时读取设置：保存后请重新启动它们，新设置才会生效。",
        "en": "Running kiosks and consoles read the settings when they start: restart them "
        "after saving for the new values to take effect.",
    },
    "section_station": {"zh": "站点与案件编号", "en": "Station and case codes"},
    "section_review": {"zh": "审核与时限", "en": "Review and time limits"},
    "section_kiosk": {"zh": "自助机与登录", "en": "Kiosk and logins"},
    "section_printing": {"zh": "打印", "en": "Printing"},
    "section_other": {"zh": "其他", "en": "Other"},
    "yes": {"zh": "是", "en": "Yes"},
    "backend_cups": {"zh": "CUPS 打印队列", "en": "CUPS queue"},
    "backend_file": {"zh": "写入文件夹", "en": "Folder"},
    "add": {"zh": "添加", "en": "Add"},
    "move_up": {"zh": "上移", "en": "Up"},
    "move_down": {"zh": "下移", "en": "Down"},
    "remove": {"zh": "删除", "en": "Remove"},
    "level": {"zh": "第 {n} 级：{role}", "en": "Level {n}: {role}"},
    "default_language": {"zh": "{name}（默认）", "en": "{name} (default)"},
    "pin_set": {"zh": "当前 PIN 已设置（不显示）", "en": "A PIN is set (not shown)"},
    "pin_new": {"zh": "新 PIN", "en": "New PIN"},
    "pin_repeat": {"zh": "再输入一次", "en": "New PIN again"},
    "pin_differ": {"zh": "两次输入的 PIN 不一致。", "en": "The two PINs differ."},
    "overridden_environment": {
        "zh": "这台电脑的环境变量 {where} 设置了此项（{value}）："
        "在本机以它为准，其他电脑使用这里保存的值。",
        "en": "This machine's environment variable {where} sets this ({value}): it wins here; "
        "the other machines use the value saved here.",
    },
    "overridden_file": {
        "zh": "这台电脑的站点文件 {where} 设置了此项（{value}）："
        "在本机以它为准，其他电脑使用这里保存的值。",
        "en": "This machine's station file {where} sets this ({value}): it wins here; the "
        "other machines use the value saved here.",
    },
    "empty_value": {"zh": "空", "en": "empty"},
    "save_settings": {"zh": "保存设置", "en": "Save settings"},
    "revert": {"zh": "放弃修改", "en": "Discard changes"},
    "saving": {"zh": "正在保存…", "en": "Saving…"},
    "saved": {
        "zh": "已保存 {n} 项设置。请重新启动正在运行的自助机和审核台。",
        "en": "{n} setting(s) saved. Restart the running kiosks and consoles.",
    },
    "nothing_changed": {"zh": "没有修改。", "en": "Nothing changed."},
    "changed_mark": {"zh": "{label}（已修改）", "en": "{label} (changed)"},
    "changed_count": {"zh": "已修改 {n} 项，尚未保存。", "en": "{n} changed, not saved yet."},
    "not_saved": {
        "zh": "有 {n} 项设置不符合要求，所有修改都未保存。请按各项下方的提示改正。",
        "en": "{n} setting(s) refused; nothing was saved. Correct them as said under each.",
    },
    # the core's refusals about settings (SettingsError.reason)
    "setting_digits": {"zh": "须为 {digits} 位数字。", "en": "Must be {digits} digits."},
    "setting_no_level": {"zh": "至少需要一级审核。", "en": "At least one review level is needed."},
    "setting_unknown_role": {"zh": "未知角色：{role}。", "en": "Unknown role: {role}."},
    "setting_county_level_in_chain": {
        "zh": "县级公安机关的审批级由处罚决定自动加入（治安管理处罚法第一百零九条），"
              "不在本所审核链中设置。",
        "en": "The county level is added by the penalty (PSAPL Art. 109), not set in the "
              "station's chain.",
    },
    "setting_no_language": {"zh": "至少需要一种语言。", "en": "At least one language is needed."},
    "setting_unknown_language": {
        "zh": "自助机不支持语言 {language}。",
        "en": "The kiosk does not speak {language}.",
    },
    "setting_repeated": {
        "zh": "同一种语言只能出现一次。",
        "en": "A language can appear only once.",
    },
    "setting_timezone": {
        "zh": "请填写时区名称，例如 Asia/Shanghai。",
        "en": "Enter a time zone name, e.g. Asia/Shanghai.",
    },
    "setting_positive": {"zh": "须至少为 1。", "en": "Must be at least 1."},
    "setting_not_negative": {"zh": "不能为负数。", "en": "Must be 0 or more."},
    "setting_pin": {"zh": "PIN 须为 4 到 12 位数字。", "en": "The PIN must be 4 to 12 digits."},
    "setting_choice": {"zh": "须为以下之一：{choices}。", "en": "Must be one of: {choices}."},
    "setting_whole_number": {"zh": "请填写整数。", "en": "Enter a whole number."},
    "setting_true_or_false": {"zh": "请选择是或否。", "en": "Choose yes or no."},
    "setting_text": {"zh": "请填写文字。", "en": "Enter text."},
    "setting_list": {"zh": "请填写列表。", "en": "Enter a list."},
}


def tr(key: str, language: str, **values: object) -> str:
    return lookup(STRINGS, key, language, values)


def setting_label(key: str, language: str) -> str:
    texts = SETTING_TEXTS.get(key)
    return (texts.get(language) or texts["zh"])[0] if texts else key


def setting_help(key: str, language: str) -> str:
    texts = SETTING_TEXTS.get(key)
    return (texts.get(language) or texts["zh"])[1] if texts else ""
