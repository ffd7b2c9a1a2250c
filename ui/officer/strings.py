"""Every fixed wording of the officer console, in each language."""

from __future__ import annotations

from ui.kiosk.strings import lookup

STRINGS: dict[str, dict[str, str]] = {
    "window_title": {
        "zh": "快速办理审核台 — {station}",
        "en": "Fast-track review console — {station}",
    },
    "login_title": {"zh": "民警登录", "en": "Officer login"},
    "login_not_officer": {
        "zh": "该账号没有审核案件的权限（需要民警、法制员或审批人角色）。",
        "en": "This account may not review cases (it needs the officer, reviewer or approver "
        "role).",
    },
    "logout": {"zh": "退出登录", "en": "Log out"},
    "new_case": {"zh": "新建案件 (Ctrl+N)", "en": "New case (Ctrl+N)"},
    "live": {"zh": "● 实时", "en": "● Live"},
    "reconnecting": {"zh": "○ 连接中断，正在重连…", "en": "○ Connection lost, reconnecting…"},
    "signed_in_as": {"zh": "{name}（{roles}）", "en": "{name} ({roles})"},
    # queue
    "filter_todo": {"zh": "待办", "en": "To do"},
    "filter_answering": {"zh": "填写中", "en": "Being answered"},
    "filter_decided": {"zh": "近 24 小时已办结", "en": "Decided, last 24 h"},
    "filter_all": {"zh": "全部", "en": "All"},
    "search": {"zh": "搜索姓名或案件编号", "en": "Search name or case code"},
    "col_state": {"zh": "状态", "en": "State"},
    "col_party": {"zh": "当事人", "en": "Party"},
    "col_type": {"zh": "案由", "en": "Case type"},
    "col_waiting": {"zh": "等待", "en": "Waiting"},
    "col_decision": {"zh": "决定期限", "en": "Decision due"},
    "col_questioning": {"zh": "询问时限", "en": "Questioning limit"},
    "col_claimed": {"zh": "审核人", "en": "Reviewer"},
    "left": {"zh": "剩 {time}", "en": "{time} left"},
    "questioning_tip": {"zh": "至 {until} · 询问时限 {hours} 小时", "en": "until {until} · "
                        "questioning limit {hours} h"},
    "questioning_tip_detention": {
        "zh": "至 {until} · 询问时限 {hours} 小时（可能适用拘留）",
        "en": "until {until} · questioning limit {hours} h (detention possible)",
    },
    "overdue": {"zh": "已超 {time}", "en": "{time} over"},
    "queue_empty": {"zh": "没有待办案件", "en": "No cases to do"},
    "new_arrival": {"zh": "新提交：{party}（{type}）", "en": "New submission: {party} ({type})"},
    "new_arrival_locked": {"zh": "有新提交的案件待审核（控制台已锁定）。",
                           "en": "A new case waits for review (the console is locked)."},
    "lock_title": {"zh": "控制台已锁定", "en": "Console locked"},
    "lock_who": {"zh": "{name} 已登录；输入密码解锁。", "en": "{name} is signed in; enter the "
                 "password to unlock."},
    "lock_counts": {"zh": "待审核 {waiting} 件 · 正在作答 {answering} 件",
                    "en": "{waiting} waiting for review · {answering} being answered"},
    "lock_most_urgent": {"zh": "最紧急的决定期限：还剩 {time}",
                         "en": "Most urgent decision deadline: {time} left"},
    "lock_overdue": {"zh": "有案件已超过决定期限 {time}", "en": "A decision is overdue by {time}"},
    "lock_nothing_due": {"zh": "没有待审核的案件", "en": "No case waits for review"},
    "password": {"zh": "密码", "en": "Password"},
    "unlock": {"zh": "解锁", "en": "Unlock"},
    "switch_user": {"zh": "切换用户（退出登录）", "en": "Switch user (log out)"},
    "new_arrival_title": {"zh": "快速办理：有新的待审核案件", "en": "Fast-track: a case to review"},
    # A burst of wrong start codes or admin PINs at the kiosks (kiosk/guessing.py).
    "guessing_title": {"zh": "快速办理：自助终端疑似被猜码",
                       "en": "Fast-track: guessing at the kiosks"},
    "guessing_start_code": {
        "zh": "{minutes} 分钟内输入错误的开始码 {wrong} 次（终端：{machines}）。",
        "en": "{wrong} wrong start codes in {minutes} minutes (kiosks: {machines}).",
    },
    "guessing_admin_pin": {
        "zh": "{minutes} 分钟内输入错误的管理员密码 {wrong} 次（终端：{machines}）。",
        "en": "{wrong} wrong admin PINs in {minutes} minutes (kiosks: {machines}).",
    },
    # case view
    "no_case": {
        "zh": "在左侧选择一个案件。新提交的案件会自动出现。",
        "en": "Choose a case on the left. New submissions appear by themselves.",
    },
    "tab_overview": {"zh": "概况", "en": "Overview"},
    "tab_statement": {"zh": "笔录", "en": "Statement"},
    "tab_answers": {"zh": "回答与修改记录", "en": "Answers and history"},
    "tab_documents": {"zh": "文书", "en": "Documents"},
    "tab_audit": {"zh": "审计记录", "en": "Audit trail"},
    "tab_evidence": {"zh": "证据 ({n})", "en": "Evidence ({n})"},
    # evidence (PSAPL Art. 111: other evidence besides the party's statement)
    "col_evidence_kind": {"zh": "种类", "en": "Kind"},
    "col_evidence_source": {"zh": "来源", "en": "Source"},
    "col_evidence_size": {"zh": "大小", "en": "Size"},
    "col_evidence_name": {"zh": "文件名", "en": "File name"},
    "evidence_kind": {"zh": "种类：", "en": "Kind:"},
    "evidence_kind_photo": {"zh": "照片", "en": "Photo"},
    "evidence_kind_video": {"zh": "视听资料", "en": "Video"},
    "evidence_kind_document": {"zh": "书证", "en": "Document"},
    "evidence_kind_receipt": {"zh": "票据", "en": "Receipt"},
    "evidence_source_officer": {"zh": "民警调取", "en": "Officer"},
    "evidence_source_kiosk_camera": {"zh": "现场拍摄", "en": "Station camera"},
    "evidence_source_party": {"zh": "当事人提交", "en": "The party"},
    "add_evidence": {"zh": "添加证据…", "en": "Add evidence…"},
    "add_evidence_title": {"zh": "选择证据文件", "en": "Choose an evidence file"},
    "evidence_files": {"zh": "图片、PDF 或视频", "en": "Images, PDFs or videos"},
    "no_evidence": {
        "zh": "尚无其他证据。只有当事人陈述时不能作出处罚（《治安管理处罚法》第一百一十一条）。",
        "en": "No other evidence yet. No penalty rests on the party's statement alone "
        "(PSAPL Art. 111).",
    },
    "evidence_choose": {"zh": "选择一件证据查看。", "en": "Choose an item to view it."},
    "evidence_loading": {"zh": "正在读取…", "en": "Reading…"},
    "evidence_clip": {
        "zh": "视频（{type}，{size}）\n请点“用系统程序打开”播放，或另存副本。",
        "en": "Video ({type}, {size})\nPress \"Open outside\" to play it, or save a copy.",
    },
    "evidence_save": {"zh": "另存副本…", "en": "Save a copy…"},
    "evidence_open": {"zh": "用系统程序打开", "en": "Open outside"},
    "evidence_closed": {"zh": "案件已办结，不能再添加证据。",
                        "en": "The case is decided; no more evidence can be added."},
    "done_evidence_added": {"zh": "已添加{kind}：{name}", "en": "{kind} added: {name}"},
    "done_evidence_saved": {"zh": "已另存为 {path}", "en": "Saved as {path}"},
    # The recording beside the answers (ui/officer/player.py; PSAPL Art. 97, 108)
    "recording_complete": {"zh": "录音录像完整", "en": "Recording complete (录音录像完整)"},
    "recording_incomplete_short": {"zh": "录音录像不完整：{problems}",
                                   "en": "Recording incomplete: {problems}"},
    "recording_none": {"zh": "本案没有录音录像。", "en": "This case has no recording."},
    "recording_purpose_interview": {"zh": "询问", "en": "Questioning"},
    "recording_purpose_correction": {"zh": "补正", "en": "Correction"},
    "recording_purpose_notice": {"zh": "告知", "en": "Notice"},
    "recording_open": {"zh": "录制中", "en": "recording"},
    "recording_ended_by": {"zh": "因{cause}中止", "en": "stopped: {cause}"},
    "recording_gap": {"zh": "中断 {start}–{end}（{seconds} 秒，{cause}）",
                      "en": "Gap {start}–{end} ({seconds} s, {cause})"},
    "recording_gap_short": {"zh": "中断 {start}–{end}（{cause}）",
                            "en": "gap {start}–{end} ({cause})"},
    "recording_cause_interrupted": {"zh": "自助机中断", "en": "the kiosk was interrupted"},
    "recording_cause_camera_missing": {"zh": "未找到摄像头", "en": "no camera"},
    "recording_cause_microphone_missing": {"zh": "未找到麦克风", "en": "no microphone"},
    "recording_cause_device_busy": {"zh": "设备被占用", "en": "device busy"},
    "recording_cause_camera_failed": {"zh": "摄像头故障", "en": "camera failed"},
    "recording_cause_microphone_failed": {"zh": "麦克风故障", "en": "microphone failed"},
    "recording_cause_disk_full": {"zh": "存储空间已满", "en": "disk full"},
    "recording_cause_store_unreachable": {"zh": "数据库无法连接", "en": "database unreachable"},
    "recording_cause_encoder_failed": {"zh": "编码出错", "en": "encoder failed"},
    "recording_fault_at": {"zh": "{at} 录音录像故障：{cause}",
                           "en": "{at} recording fault: {cause}"},
    "recording_play": {"zh": "播放", "en": "Play"},
    "recording_pause": {"zh": "暂停", "en": "Pause"},
    "recording_loading": {"zh": "正在载入录音录像…", "en": "Loading the recording…"},
    "recording_nothing_stored": {"zh": "此段录音录像没有保存任何片段。",
                                 "en": "Nothing of this session was stored."},
    "recording_unplayable": {"zh": "无法播放：{error}", "en": "Cannot play: {error}"},
    "recording_answer_not_recorded": {"zh": "此回答没有录音录像位置。",
                                      "en": "This answer has no place in the recording."},
    "party_at": {"zh": "当事人正在：{step}", "en": "The party is at: {step}"},
    "step_of": {
        "zh": "第 {number} 步 / 共 {total} 步 — {label}",
        "en": "step {number} of {total} — {label}",
    },
    "claimed_by": {"zh": "{name} 正在审核", "en": "{name} is reviewing"},
    "claimed_by_me": {"zh": "由您审核", "en": "You are reviewing"},
    "level_of": {"zh": "第 {level} 级 / 共 {levels} 级（{role}）",
                 "en": "level {level} of {levels} ({role})"},
    "code": {"zh": "案件编号", "en": "Case code"},
    "start_code": {"zh": "开始码", "en": "Start code"},
    "template": {"zh": "案由（模板）", "en": "Case type (template)"},
    "arrived": {"zh": "到案时间", "en": "Arrived"},
    "arrival_mode": {"zh": "到案方式", "en": "How the party came"},
    "opened_by": {"zh": "开案民警", "en": "Opened by"},
    "consent": {"zh": "同意快速办理", "en": "Fast-track consent"},
    "rights": {"zh": "权利义务告知", "en": "Rights notice read"},
    "interview": {"zh": "自助询问", "en": "Self-entry"},
    "identity": {"zh": "身份信息", "en": "Identity"},
    "eligibility": {"zh": "适用条件", "en": "Eligibility"},
    "decision": {"zh": "处理决定", "en": "Decision"},
    "conversion": {"zh": "转普通程序原因", "en": "Reason for the ordinary procedure"},
    "not_yet": {"zh": "尚未", "en": "not yet"},
    # the questioning limit (PR Art. 69): 8 hours, 24 once an officer marks detention possible
    "hours": {"zh": "{hours} 小时", "en": "{hours} h"},
    "detention_possible": {"zh": "可能适用拘留", "en": "detention possible"},
    "limit_ordinary": {
        "zh": "<b>询问时限 {hours} 小时</b>（默认），至 {until}。可能适用拘留的，"
        "标记后为 {longer} 小时（《程序规定》第六十九条）。",
        "en": "<b>Questioning limit {hours} h</b> (the default), until {until}. If detention is "
        "possible, mark it: the limit is then {longer} h (PR Art. 69).",
    },
    "limit_detention": {
        "zh": "<b>询问时限 {hours} 小时</b>，至 {until}：{actor} 于 {at} 标记“可能适用拘留”"
        "（《程序规定》第六十九条；未标记时为 {shorter} 小时）。",
        "en": "<b>Questioning limit {hours} h</b>, until {until}: {actor} marked \"detention "
        "possible\" at {at} (PR Art. 69; {shorter} h otherwise).",
    },
    "mark_detention": {"zh": "标记可能适用拘留（{hours} 小时）",
                       "en": "Mark detention possible ({hours} h)"},
    "unmark_detention": {"zh": "撤销可能适用拘留（恢复 {hours} 小时）",
                         "en": "Undo detention possible (back to {hours} h)"},
    "detention_decided": {"zh": "案件已办结，询问时限不再更改。",
                          "en": "The case is decided; its questioning limit no longer changes."},
    "question": {"zh": "问", "en": "Q"},
    "answer": {"zh": "答", "en": "A"},
    "not_answered": {"zh": "（尚未回答）", "en": "(not answered yet)"},
    "officer_comment": {"zh": "审核意见：", "en": "Officer's comment: "},
    "col_question": {"zh": "问题", "en": "Question"},
    "col_answer": {"zh": "回答", "en": "Answer"},
    "col_revisions": {"zh": "修改", "en": "Revisions"},
    "col_comment": {"zh": "待发审核意见", "en": "Comment to send"},
    "revision": {"zh": "第 {n} 次", "en": "revision {n}"},
    "comment_placeholder": {
        "zh": "对所选回答的审核意见，例如：请写具体地址（回车添加）",
        "en": "A comment on the chosen answer, e.g. give the exact address (Enter adds it)",
    },
    "add_comment": {"zh": "添加意见", "en": "Add comment"},
    "remove_comment": {"zh": "删除意见", "en": "Remove comment"},
    "choose_answer": {"zh": "请先在上面选择一个回答。", "en": "Choose an answer above first."},
    "no_documents": {"zh": "尚无文书（当事人提交后生成）。",
                     "en": "No documents yet (they are made when the party submits)."},
    "pages": {"zh": "{n} 页", "en": "{n} pages"},
    "col_seq": {"zh": "序号", "en": "No."},
    "col_time": {"zh": "时间", "en": "Time"},
    "col_actor": {"zh": "操作人", "en": "By"},
    "col_action": {"zh": "事件", "en": "Event"},
    "col_details": {"zh": "内容", "en": "Details"},
    # actions
    "calculated": {"zh": "计算值（模板根据回答得出）",
                   "en": "Calculated values (worked out from the answers)"},
    "claim": {"zh": "接手审核", "en": "Claim"},
    "take_over": {"zh": "接管审核", "en": "Take over"},
    "approve": {
        "zh": "审核通过 第 {level} 级 (Ctrl+Enter)",
        "en": "Approve level {level} (Ctrl+Enter)",
    },
    "approve_final": {"zh": "审批并作出决定 (Ctrl+Enter)", "en": "Approve and decide (Ctrl+Enter)"},
    "propose": {"zh": "告知拟处罚", "en": "Notify the party"},
    # PSAPL Art. 109: the station passes a heard penalty to the county-level organ.
    "to_county": {"zh": "报县级公安机关审批 (Ctrl+Enter)",
                  "en": "Send to the county organ (Ctrl+Enter)"},
    "decide_as_told": {"zh": "按告知作出决定 (Ctrl+Enter)",
                       "en": "Decide as notified (Ctrl+Enter)"},
    "answer_argument": {"zh": "答复陈述申辩", "en": "Answer the argument"},
    "answer_argument_title": {"zh": "答复当事人的陈述申辩",
                              "en": "Answer the party's argument"},
    "answer_argument_label": {"zh": "答复（是否采纳及理由）",
                              "en": "Answer (accepted or not, and why)"},
    "reply_required": {"zh": "请填写对陈述申辩的答复。",
                       "en": "Write the answer to the argument."},
    "notice_heading": {"zh": "处罚前告知（治安管理处罚法第112条）",
                       "en": "Notice before the decision (PSAPL Art. 112)"},
    "notice_awaiting_party": {"zh": "已告知拟处罚，等待当事人在自助终端答复（开始码 {start_code}）",
                              "en": "Penalty notified; waiting for the party's answer at the "
                              "kiosk (start code {start_code})"},
    "notice_accepted": {"zh": "当事人接受拟处罚", "en": "The party accepted the penalty"},
    "notice_argued": {"zh": "当事人陈述申辩：{text}", "en": "The party argued: {text}"},
    "notice_replied": {"zh": "已答复（{who}）：{text}", "en": "Answered ({who}): {text}"},
    "notice_waiting_party": {"zh": "等待当事人对告知的答复",
                             "en": "Waiting for the party's answer to the notice"},
    "notice_argument_open": {"zh": "请先答复当事人的陈述申辩",
                             "en": "Answer the party's argument first"},
    "notice_proposed_penalty": {"zh": "拟处罚：{penalty}", "en": "Intended penalty: {penalty}"},
    "return": {"zh": "退回修改（{n} 条意见）(Ctrl+R)", "en": "Return with comments ({n}) (Ctrl+R)"},
    "convert": {"zh": "转普通程序 (Ctrl+Shift+O)", "en": "Ordinary procedure (Ctrl+Shift+O)"},
    "needs_role": {"zh": "此级需要“{role}”角色", "en": "This level needs the role '{role}'"},
    "take_over_first": {
        "zh": "{name} 正在审核此案；如需由您处理，请先点“接管审核”。",
        "en": "{name} is reviewing this case; press Take over first to handle it yourself.",
    },
    "comments_pending": {
        "zh": "还有未发送的审核意见：请退回修改，或先删除意见。",
        "en": "Comments are waiting to be sent: return the case, or remove them first.",
    },
    "comment_unsent": {
        "zh": "意见框里还有文字没有添加：请按回车添加，或清空后再审核通过。",
        "en": "The comment box still holds text: press Enter to add it, or clear it first.",
    },
    "approved_before": {
        "zh": "您已审核通过此案的上一级；每一级须由不同的人审核。",
        "en": "You approved an earlier level of this case; each level needs another person.",
    },
    "print_failed": {
        "zh": "决定已保存，但打印失败：{why}",
        "en": "Decided, but printing failed: {why}",
    },
    "working": {"zh": "正在处理…", "en": "Working…"},
    "done_claimed": {"zh": "已接手：{party}", "en": "Claimed: {party}"},
    "done_approved": {
        "zh": "已审核通过第 {level} 级：{party}",
        "en": "Approved level {level}: {party}",
    },
    "done_decided": {
        "zh": "已审批，决定书正在打印：{party}",
        "en": "Approved; the decision prints: {party}",
    },
    "done_returned": {"zh": "已退回当事人修改：{party}", "en": "Returned to the party: {party}"},
    "done_proposed": {"zh": "已告知拟处罚，请当事人用原开始码在自助终端答复：{party}",
                      "en": "Penalty notified; the party answers at the kiosk with the same "
                      "start code: {party}"},
    "done_replied": {"zh": "已答复陈述申辩：{party}", "en": "Argument answered: {party}"},
    "done_detention_on": {
        "zh": "已标记可能适用拘留：{party}，询问时限 {hours} 小时",
        "en": "Marked detention possible: {party}; questioning limit {hours} h",
    },
    "done_detention_off": {
        "zh": "已撤销可能适用拘留：{party}，询问时限恢复 {hours} 小时",
        "en": "Detention no longer marked possible: {party}; questioning limit back to {hours} h",
    },
    "done_converted": {
        "zh": "已转普通程序：{party}",
        "en": "Handed to the ordinary procedure: {party}",
    },
    "conflict": {
        "zh": "另一位民警已先处理此案：{who}。下面是案件的最新情况，请重新查看后再决定。",
        "en": "Another officer acted on this case first: {who}. It is shown as it is now; "
        "look again before deciding.",
    },
    "who_approved": {
        "zh": "{actor} 已审核通过第 {level} 级",
        "en": "{actor} approved level {level}",
    },
    "who_returned": {"zh": "{actor} 已退回当事人修改", "en": "{actor} returned it to the party"},
    "who_converted": {"zh": "{actor} 已转普通程序", "en": "{actor} converted it"},
    "who_claimed": {"zh": "{actor} 已接手审核", "en": "{actor} claimed it"},
    "who_taken_over": {"zh": "{actor} 已接管审核", "en": "{actor} took it over"},
    "who_unknown": {"zh": "案件已有变化", "en": "the case changed"},
    "refused": {"zh": "未能完成：{why}", "en": "Not done: {why}"},
    # decision form
    "decision_title": {"zh": "作出处理决定", "en": "The decision"},
    "penalty_type": {"zh": "处理种类", "en": "Penalty"},
    "penalty_warning": {"zh": "警告", "en": "Warning"},
    "penalty_fine": {"zh": "罚款", "en": "Fine"},
    "penalty_detention": {"zh": "行政拘留", "en": "Detention"},
    "penalty_detention_and_fine": {"zh": "行政拘留并处罚款", "en": "Detention and a fine"},
    "penalty_no_penalty": {"zh": "不予处罚", "en": "No penalty"},
    "mitigation": {"zh": "从轻、减轻情节（第二十条）", "en": "Mitigation (Art. 20)"},
    "ranges_heading": {"zh": "{article}，快速办理可用的幅度：",
                       "en": "{article}: the ranges open to the fast-track:"},
    "range_days": {"zh": "拘留 {low}–{high} 日", "en": "detention {low}–{high} days"},
    "range_fine": {"zh": "罚款 {low}–{high} 元", "en": "a fine of {low}–{high} yuan"},
    "combine_or": {"zh": "，或者", "en": ", or "},
    "combine_and": {"zh": "，并处", "en": ", and "},
    "combine_may_add": {"zh": "，可以并处", "en": ", to which may be added "},
    "choose": {"zh": "（请选择）", "en": "(choose)"},
    "amount": {"zh": "罚款金额（元）", "en": "Fine (yuan)"},
    # PSAPL Art. 110: the days already held count against the detention.
    "offset_days": {"zh": "折抵天数（已限制人身自由 {held} 整日）",
                    "en": "Days held to count ({held} whole days held)"},
    "offset_help": {"zh": "被处罚人因同一行为被限制人身自由一日，折抵行政拘留一日"
                          "（《治安管理处罚法》第一百一十条）。"
                          "从传唤或带至到案时起计算，共 {held} 整日。",
                    "en": "Each day held for the same act counts against one day of detention "
                          "(PSAPL Art. 110); counted from the arrival when summoned or brought "
                          "in: {held} whole days."},
    "days": {"zh": "拘留天数", "en": "Days of detention"},
    "basis": {"zh": "法律依据", "en": "Legal basis"},
    "circumstances": {"zh": "考虑的情节", "en": "Circumstances considered"},
    "need_type": {"zh": "请选择处理种类。", "en": "Choose the penalty."},
    "need_amount": {"zh": "请填写罚款金额（低于 {limit} 元；达到需听证，应转普通程序）。",
                    "en": "Enter the amount (below {limit} yuan; at or above it a hearing is "
                    "needed, so convert the case)."},
    "need_days": {"zh": "请填写拘留天数（少于 {limit} 天）。",
                  "en": "Enter the days (fewer than {limit})."},
    "need_basis": {"zh": "请填写法律依据。", "en": "Enter the legal basis."},
    "need_circumstances": {"zh": "请填写考虑的情节，例如如实陈述、取得谅解。",
                           "en": "Enter the circumstances, e.g. truthful confession, "
                           "forgiveness obtained."},
    "decide": {"zh": "审批并作出决定", "en": "Approve and decide"},
    "cancel": {"zh": "取消", "en": "Cancel"},
    "convert_title": {"zh": "转为普通程序", "en": "Hand to the ordinary procedure"},
    "convert_help": {
        "zh": "已收集的材料全部保留。请写明原因，它会记入案卷和审计记录。",
        "en": "Everything collected is kept. Give the reason; it goes into the file and the "
        "audit trail.",
    },
    "reason": {"zh": "原因", "en": "Reason"},
    "need_reason": {"zh": "请写明原因。", "en": "Give the reason."},
    "do_convert": {"zh": "转普通程序", "en": "Convert"},
    "return_title": {"zh": "退回当事人修改", "en": "Return to the party"},
    # opening a case
    "open_title": {"zh": "新建快速办理案件", "en": "Open a fast-track case"},
    "case_type": {"zh": "案由", "en": "Case type"},
    "party_name": {"zh": "当事人姓名", "en": "Party's name"},
    "kiosk_language": {"zh": "自助机语言", "en": "Kiosk language"},
    "need_party": {"zh": "请填写当事人姓名。", "en": "Enter the party's name."},
    "arrival_future": {
        "zh": "到案时间不能晚于现在。",
        "en": "The arrival cannot be in the future.",
    },
    "open": {"zh": "开案", "en": "Open the case"},
    "opened_title": {
        "zh": "案件已开：请把开始码告诉当事人",
        "en": "Case opened: give the party the start code",
    },
    "opened_help": {
        "zh": "当事人在自助机上点“开始”，输入这 6 位数字。案件编号：{code}",
        "en": "The party presses Start at the kiosk and types these 6 digits. Case code: {code}",
    },
    "close": {"zh": "关闭", "en": "Close"},
}

# Why the core refused something, by the rule it names (`reason` on CaseError, ReviewError,
# AccountError, LoginFailed); ui/officer/refusals.py fills the values in the console's words.
RECORDING_PROBLEMS: dict[str, dict[str, str]] = {
    # kiosk/recording/store.py recording_problems
    "no_recording": {"zh": "没有录音录像", "en": "no recording"},
    "unfinished": {"zh": "录音录像未结束", "en": "a recording never finished"},
    "gaps": {"zh": "录音录像有中断", "en": "gaps in the recording"},
    "fault": {"zh": "设备故障中止了录音录像", "en": "a device fault stopped the recording"},
    "missing_segments": {"zh": "录音录像片段缺失", "en": "missing segments"},
    "no_correction_recording": {"zh": "退回补正没有录音录像",
                                "en": "the correction after the return was not recorded"},
}

ERRORS: dict[str, dict[str, str]] = {
    # kiosk/penalty_notice.py (PSAPL Art. 112)
    "no_notice_for_no_penalty": {"zh": "不予处罚无需告知，请直接作出决定。",
                                 "en": "No penalty needs no notice; decide it directly."},
    "penalty_raised": {"zh": "不得重于已告知的拟处罚（治安管理处罚法第{article}条）。",
                       "en": "The penalty may not be heavier than the one notified "
                       "(PSAPL Art. {article})."},
    "no_proposal": {"zh": "作出处罚决定前须先告知拟处罚（治安管理处罚法第112条）。",
                    "en": "A penalty is notified to the party before it is decided "
                    "(PSAPL Art. 112)."},
    "notice_unanswered": {"zh": "当事人尚未答复处罚前告知。",
                          "en": "The party has not yet answered the notice."},
    "argument_unanswered": {"zh": "请先答复当事人的陈述申辩。",
                            "en": "Answer the party's argument first."},
    "notice_answered": {"zh": "当事人已答复该告知。",
                        "en": "The party already answered the notice."},
    "ground_unknown": {"zh": "未知的申辩理由“{ground}”。", "en": "Unknown ground '{ground}'."},
    "text_too_long": {"zh": "内容不能超过 {limit} 个字。",
                      "en": "The text may have at most {limit} characters."},
    "argument_empty": {"zh": "陈述申辩须选择理由或写明内容。",
                       "en": "An argument needs a ground or its text."},
    "signature_not_png": {"zh": "签名图像无效。", "en": "The signature image is not valid."},
    "no_argument": {"zh": "本案没有需要答复的陈述申辩。",
                    "en": "This case has no argument to answer."},
    "argument_answered": {"zh": "该陈述申辩已答复。",
                          "en": "The argument was already answered."},
    "reply_empty": {"zh": "答复内容为空。", "en": "The answer is empty."},
    # kiosk/cases.py
    "no_start_code": {"zh": "没有空闲的开始码：未办结的案件太多。",
                      "en": "No start code is free: too many cases are open."},
    "party_name_empty": {"zh": "当事人姓名为空。", "en": "The party's name is empty."},
    "party_name_long": {"zh": "当事人姓名不能超过 {max} 个字符。",
                        "en": "The party's name may have at most {max} characters."},
    "arrival_mode_unknown": {"zh": "未知的到案方式“{mode}”。",
                             "en": "Unknown way of coming to the station '{mode}'."},
    "arrival_no_zone": {"zh": "到案时间缺少时区。", "en": "The arrival time needs a time zone."},
    "arrival_future": {"zh": "到案时间不能晚于现在。",
                       "en": "The arrival cannot be in the future."},
    "language_not_offered": {"zh": "本所未提供语言“{language}”。",
                             "en": "The language '{language}' is not offered here."},
    "case_codes_used_up": {"zh": "单位 {department} 在 {day} 的 9999 个案件编号已用完。",
                           "en": "Department {department} has used all 9999 case codes of "
                           "{day}."},
    "answer_rejected": {"zh": "回答未被接受：{path}", "en": "Answer not accepted: {path}"},
    "incomplete": {"zh": "尚不能提交：{missing}", "en": "Not ready to submit: {missing}"},
    "conversion_reason_empty": {"zh": "转普通程序须写明原因。",
                                "en": "Converting a case needs a reason."},
    "rights_not_acknowledged": {"zh": "当事人尚未确认权利义务告知。",
                                "en": "The party has not yet acknowledged the rights notice."},
    "no_consent": {"zh": "当事人尚未同意适用快速办理程序。",
                   "en": "The party has not yet agreed to the fast-track."},
    "no_identity": {"zh": "尚未记录当事人的身份信息。",
                    "en": "The party's identity has not yet been recorded."},
    "wrong_status": {"zh": "案件 {code} 当前为“{status}”，此操作需要“{needed}”。",
                     "en": "Case {code} is {status}; this needs it to be {needed}."},
    "detention_case_decided": {
        "zh": "案件 {code} 已办结（{status}），不能再更改是否可能适用拘留。",
        "en": "Case {code} is already decided ({status}); whether detention is possible can "
        "no longer change.",
    },
    # kiosk/review.py
    "penalty_unknown": {"zh": "未知的处理种类“{penalty}”。",
                        "en": "Unknown penalty '{penalty}'."},
    "basis_missing": {"zh": "处理决定须写明法律依据。",
                      "en": "The decision needs its legal basis."},
    "circumstances_missing": {"zh": "处理决定须写明考虑的情节。",
                              "en": "The decision needs the circumstances considered."},
    "amount_missing": {"zh": "罚款须填写金额（元）。", "en": "A fine needs its amount in yuan."},
    "amount_needs_hearing": {
        "zh": "罚款 {amount} 元已达到听证标准（{limit} 元），应转普通程序。",
        "en": "A fine of {amount} yuan reaches the hearing threshold ({limit}); convert the "
        "case to the ordinary procedure instead.",
    },
    "amount_not_fine": {"zh": "只有罚款才填写金额，“{penalty}”不填。",
                        "en": "An amount only goes with a fine, not with {penalty}."},
    "days_missing": {"zh": "行政拘留须填写天数。", "en": "Detention needs its number of days."},
    "penalty_out_of_range": {
        "zh": "超出《治安管理处罚法》第{article}条快速办理可用的处罚幅度。",
        "en": "Outside the ranges of PSAPL Art. {article} open to the fast-track ({ranges}).",
    },
    "warning_needs_mitigation": {
        "zh": "第{article}条没有警告；警告须有第二十条的从轻、减轻情节，请勾选。",
        "en": "Art. {article} has no warning; a warning needs a mitigation ground of Art. 20: "
        "tick one.",
    },
    "mitigation_unknown": {"zh": "未知的从轻、减轻情节：{ground}。",
                           "en": "Unknown mitigation ground: {ground}."},
    "basis_wrong_article": {
        "zh": "法律依据须引用本案违法行为的条文：《治安管理处罚法》第{article}条。",
        "en": "The basis must cite the article of this case type: PSAPL Art. {article}.",
    },
    "basis_unknown_article": {"zh": "法律数据中没有第{article}条。",
                              "en": "Article {article} is not in the law data."},
    "days_excluded": {
        "zh": "拘留 {days} 天超出快速办理范围（{limit} 天及以上），应转普通程序。",
        "en": "Detention of {days} days is outside the fast-track ({limit} days or more); "
        "convert the case to the ordinary procedure instead.",
    },
    # PSAPL Art. 110: days already held count against the detention, never more.
    "offset_not_detention": {"zh": "只有行政拘留才能折抵已被限制人身自由的天数（第一百一十条）。",
                             "en": "Days held only count against detention (Art. 110)."},
    "offset_exceeds_days": {"zh": "折抵 {offset} 日超过了行政拘留的 {days} 日（第一百一十条）。",
                            "en": "{offset} days held cannot count against a detention of "
                                  "{days} days (Art. 110)."},
    "offset_exceeds_held": {"zh": "当事人只被限制人身自由 {held} 整日，不能折抵 {offset} 日"
                                  "（第一百一十条）。",
                            "en": "The party was held {held} whole days, not {offset} "
                                  "(Art. 110)."},
    "days_not_detention": {"zh": "只有行政拘留才填写天数，“{penalty}”不填。",
                           "en": "Days only go with detention, not with {penalty}."},
    "account_disabled": {"zh": "账号 {user} 已停用，不能审核案件。",
                         "en": "The account {user} is disabled; it may not review cases."},
    "level_role_needed": {"zh": "{user} 不能审核通过第 {level} 级：此级需要“{role}”角色。",
                          "en": "{user} may not approve level {level}: it needs the role "
                          "'{role}'."},
    "level_role_needed_after": {
        "zh": "{user} 不能审核通过第 {level} 级：此级需要“{role}”角色。第 {previous} 级已由 "
        "{actor} 于 {at} 审核通过。",
        "en": "{user} may not approve level {level}: it needs the role '{role}'. Level "
        "{previous} was approved by {actor} at {at}.",
    },
    "role_needed": {"zh": "{user} 不能{action}：需要以下角色之一：{roles}。",
                    "en": "{user} may not {action}: it needs one of the roles {roles}."},
    "action_review": {"zh": "审核案件", "en": "review cases"},
    "action_return": {"zh": "退回案件", "en": "return cases"},
    "action_convert": {"zh": "转普通程序", "en": "convert cases"},
    "action_detention": {"zh": "标记是否可能适用拘留", "en": "mark whether detention is possible"},
    # kiosk/mediation.py (PSAPL Art. 9)
    "action_mediate": {"zh": "调解案件", "en": "mediate cases"},
    "mediation_account_disabled": {"zh": "账号 {user} 已停用，不能调解案件。",
                                   "en": "The account {user} is disabled; it may not mediate "
                                   "cases."},
    "not_mediable": {"zh": "此类案件不适用调解（《治安管理处罚法》第九条）。",
                     "en": "This type of case is not mediated (PSAPL Art. 9)."},
    "mediation_out_of_order": {"zh": "案件 {code} 当前为“{status}”，此时不能进行这一步调解。",
                               "en": "Case {code} is {status}; this mediation step does not "
                               "apply now."},
    "unknown_side": {"zh": "未知的调解一方“{side}”。", "en": "Unknown side '{side}'."},
    "side_already_agreed": {"zh": "这一方已同意调解协议。",
                            "en": "This side already agreed."},
    "not_agreed_by_both": {"zh": "调解协议须双方同意；尚缺：{side}。",
                           "en": "Both sides must agree to the mediation; still missing: "
                           "{side}."},
    "mediation_failed_before": {"zh": "此案调解已于 {at} 不成，应依法作出处理决定。",
                                "en": "Mediation of this case failed at {at}; a decision "
                                "follows."},
    "mediation_reason_missing": {"zh": "调解不成须写明原因（未达成协议或未履行）。",
                                 "en": "A failed mediation needs its reason (no agreement, or "
                                 "not kept)."},
    # kiosk/evidence.py
    "no_other_evidence": {
        "zh": "不能只凭当事人的陈述作出处罚（《治安管理处罚法》第一百一十一条）："
        "请先添加照片、视频、书证或票据等其他证据。",
        "en": "No penalty rests on the party's own statement alone (PSAPL Art. 111): add other "
        "evidence first (a photo, video, document or receipt).",
    },
    "action_add_evidence": {"zh": "添加证据", "en": "add evidence"},
    "evidence_account_disabled": {"zh": "账号 {user} 已停用，不能添加证据。",
                                  "en": "The account {user} is disabled; it may not add "
                                  "evidence."},
    "too_large": {"zh": "文件大小超过本所上限 {limit_mb} MB。",
                  "en": "The file is larger than the station's limit of {limit_mb} MB."},
    "unknown_type": {"zh": "按文件内容，这不是 PNG、JPEG 图片、PDF 或 MP4、MKV、WebM 视频。",
                     "en": "By its content this is not a PNG or JPEG image, a PDF, or an MP4, "
                     "MKV or WebM video."},
    "kind_mismatch": {"zh": "“{kind}”不能是 {media_type} 文件：照片须为图片，视频须为视频。",
                      "en": "A {kind} cannot be a {media_type} file: a photo is an image, a "
                      "video a clip."},
    "unreadable": {"zh": "文件（{media_type}）已损坏或不完整，无法读取。",
                   "en": "The file ({media_type}) is damaged or cut short and cannot be read."},
    "already_added": {"zh": "该文件已是本案证据（{user} 于 {at} 添加），不重复记录。",
                      "en": "This file is already evidence of the case (added by {user} at "
                      "{at}); it is kept once."},
    "unknown_kind": {"zh": "未知的证据种类“{kind}”。", "en": "Unknown kind of evidence '{kind}'."},
    "unknown_source": {"zh": "未知的证据来源“{source}”。",
                       "en": "Unknown source of evidence '{source}'."},
    "item_not_found": {"zh": "案件 {code} 没有证据 {sha256}。",
                       "en": "Case {code} has no evidence item {sha256}."},
    "item_ambiguous": {"zh": "“{sha256}”对应多件证据，请给出更长的哈希值。",
                       "en": "'{sha256}' names several items; give more of the hash."},
    "not_claimable": {"zh": "案件 {code} 当前为“{status}”，只有待审核或审核中的案件可以接手。",
                      "en": "Case {code} is {status}; only a submitted case or one in review "
                      "can be claimed."},
    "claimed_by_other": {"zh": "{user} 正在审核此案；如需由您处理，请点“接管审核”。",
                         "en": "{user} is reviewing this case; press Take over to handle it "
                         "yourself."},
    "not_approvable": {
        "zh": "案件 {code} 当前为“{status}”，只有待审核或审核中的案件可以审核通过。",
        "en": "Case {code} is {status}; only a submitted case or one in review can be approved.",
    },
    "no_such_level": {"zh": "案件 {code} 没有第 {level} 级审核。",
                      "en": "Case {code} has no review level {level}."},
    "approved_before": {"zh": "{user} 已审核通过此案的上一级；每一级须由不同的人审核。",
                        "en": "{user} approved an earlier level of this case; each level needs "
                        "another person."},
    "decision_missing": {
        "zh": "最后一级须作出处理决定：处理种类、金额或天数、法律依据和考虑的情节。",
        "en": "The final level needs the decision: the penalty, the amount or days, the legal "
        "basis and the circumstances.",
    },
    "recording_incomplete": {
        "zh": "案件 {code} 的询问没有完整的同步录音录像（{problems}），不能据此作出处罚决定"
              "（《治安管理处罚法》第九十七条、第一百零八条）；请转为普通程序办理。",
        "en": "Case {code} has no complete audio and video recording (录音录像) of its "
              "questioning ({problems}): it cannot be the basis of a penalty (PSAPL Art. 97, "
              "108); convert it to the ordinary procedure.",
    },
    "decision_too_early": {"zh": "处理决定在最后一级（{role}）作出，不在第 {level} 级。",
                           "en": "The decision is given at the final level ({role}), not at "
                           "level {level}."},
    "comments_missing": {"zh": "退回须至少对一个回答写审核意见。",
                         "en": "A return needs at least one comment on an answer."},
    "not_a_question": {"zh": "“{path}”不是此案笔录中的问题。",
                       "en": "'{path}' is not a question of this case's statement."},
    "comment_empty": {"zh": "对“{path}”的审核意见是空的。",
                      "en": "The comment on '{path}' is empty."},
    "not_returnable": {"zh": "案件 {code} 当前为“{status}”，只有审核中的案件可以退回。",
                       "en": "Case {code} is {status}; only a case in review can be returned."},
    "already_decided": {"zh": "案件 {code} 已办结（{status}）。",
                        "en": "Case {code} is already decided ({status})."},
    # kiosk/users.py
    "password_short": {"zh": "密码至少需要 {min} 个字符。",
                       "en": "A password needs at least {min} characters."},
    "unknown_role": {"zh": "未知的角色“{role}”。", "en": "Unknown role '{role}'."},
    "no_role": {"zh": "账号至少需要一个角色。", "en": "An account needs at least one role."},
    "username_shape": {
        "zh": "用户名须为 2–32 个小写字母、数字、“.”“_”或“-”，以字母开头。",
        "en": "A user name is 2-32 lower-case letters, digits, '.', '_' or '-', starting with a "
        "letter.",
    },
    "username_taken": {"zh": "用户 {user} 已存在。", "en": "The user {user} already exists."},
    "no_user": {"zh": "没有用户 {user}。", "en": "There is no user {user}."},
    "last_admin": {"zh": "{user} 是最后一个启用的管理员：请先让另一个账号成为管理员。",
                   "en": "{user} is the last enabled admin: make another account an admin "
                   "first."},
    "disable_self": {"zh": "管理员不能停用自己的账号。",
                     "en": "An admin cannot disable their own account."},
    "password_wrong": {"zh": "当前密码不正确。", "en": "The current password is wrong."},
    "password_same": {"zh": "新密码不能与当前密码相同。",
                      "en": "The new password must differ from the current one."},
    "login_failed": {"zh": "用户名或密码不正确。", "en": "Wrong user name or password."},
    "login_disabled": {"zh": "账号 {user} 已停用。", "en": "The account {user} is disabled."},
    "login_locked": {
        "zh": "账号 {user} 连续 {failures} 次登录失败，已被锁定。",
        "en": "The account {user} is locked after {failures} failed logins.",
    },
    # persons of a case and the disagreements of their statements (kiosk/persons.py, facts.py)
    "template_not_offender": {
        "zh": "模板 {template} 不是违法嫌疑人的询问模板；立案请选择案由模板。",
        "en": "Template {template} is for a {role}; a case opens with the offender's template."},
    "person_case_decided": {"zh": "案件 {code} 已办结，不能再添加人员。",
                            "en": "Case {code} is decided; no person can be added to it."},
    "person_role_unknown": {"zh": "添加的人员只能是被侵害人或证人。",
                            "en": "A person added to a case is a victim or a witness."},
    "person_offender_not_victim": {"zh": "只有被侵害人才能同时是违法嫌疑人（互殴）。",
                                   "en": "Only a victim can also be an offender (a mutual "
                                         "fight)."},
    "person_template_role": {
        "zh": "模板 {template} 不适用于该人员的身份，请选择对应的询问模板。",
        "en": "Template {template} is for the {template_role}, not for a {role}."},
    "person_not_of_case": {"zh": "该开始码不属于案件 {code} 的人员。",
                           "en": "This start code is not of a person of case {code}."},
    "person_wrong_status": {"zh": "该人员当前不在回答问题。",
                            "en": "The person is not answering questions now."},
    "person_notice_not_acknowledged": {"zh": "该人员尚未确认权利义务告知。",
                                       "en": "The person has not acknowledged their notice."},
    "person_needs_case": {"zh": "请同时指明人员所属的案件。",
                          "en": "Name the case the person belongs to."},
    "resolution_note_empty": {"zh": "请填写处理说明。", "en": "Write a note on how it was "
                                                              "resolved."},
    "no_disagreement": {"zh": "案件 {code} 的各方陈述在 {fact} 上没有（或已不再有）不一致。",
                        "en": "The statements of case {code} do not disagree on {fact}."},
    "disagreement_case_decided": {"zh": "案件 {code} 已办结。", "en": "Case {code} is decided."},
    # refused by what the error is (these carry no reason of their own)
    "case_not_found": {"zh": "找不到该案件。", "en": "The case was not found."},
    "template_not_found": {"zh": "该案由的模板已不再发布，请重新选择案由。",
                           "en": "This case type's template is no longer published; choose "
                           "the case type again."},
    "transition": {"zh": "案件状态已变化，此操作不再适用。",
                   "en": "The case's state changed; this no longer applies."},
}


def tr(key: str, language: str, **values: object) -> str:
    return lookup(STRINGS, key, language, values)
