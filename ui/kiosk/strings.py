"""Every fixed wording of the kiosk screens, in each language (templates hold the rest)."""

from __future__ import annotations

from kiosk.rendering import render_text

STRINGS: dict[str, dict[str, str]] = {
    "idle_title": {"zh": "快速办理自助询问", "en": "Fast-track self-service statement"},
    "idle_hint": {
        "zh": "请在民警告知您开始码后，点击“开始”。",
        "en": "When the officer has given you your start code, press Start.",
    },
    "start": {"zh": "开始  Start", "en": "Start  开始"},
    "code_title": {"zh": "请输入开始码", "en": "Enter your start code"},
    "code_help": {
        "zh": "开始码是民警给您的 6 位数字。",
        "en": "The start code is the 6-digit number the officer gave you.",
    },
    "code_wrong": {
        "zh": "没有找到这个开始码，请核对后重新输入，或请民警协助。",
        "en": "This start code was not found. Check it and try again, or ask the officer.",
    },
    "code_short": {"zh": "请输入 6 位数字。", "en": "Please enter all 6 digits."},
    "language_title": {
        "zh": "请选择语言  Choose your language",
        "en": "Choose your language  请选择语言",
    },
    "read_to_end": {
        "zh": "请向下滑动，读完全部内容。",
        "en": "Please scroll down and read to the end.",
    },
    "consent_title": {
        "zh": "您是否同意适用快速办理程序？",
        "en": "Do you agree to the fast-track procedure?",
    },
    "consent_help": {
        "zh": "不同意的，由民警按普通程序为您办理，不会因此对您不利。",
        "en": "If you do not agree, an officer handles your case by the ordinary "
        "procedure. This will not count against you.",
    },
    "consent_yes": {"zh": "同意快速办理", "en": "I agree"},
    "consent_no": {"zh": "不同意", "en": "I do not agree"},
    "identity_title": {"zh": "请核对您的身份信息", "en": "Check your identity details"},
    "name": {"zh": "姓名", "en": "Name"},
    "document_type": {"zh": "证件类型", "en": "Identity document"},
    "document_number": {"zh": "证件号码", "en": "Document number"},
    "nationality": {"zh": "国籍（护照）", "en": "Nationality (passport)"},
    "phone": {"zh": "联系电话", "en": "Phone"},
    "address": {"zh": "现住址", "en": "Current address"},
    "household_registration": {"zh": "户籍地", "en": "Place of household registration"},
    "employer": {"zh": "工作单位", "en": "Employer"},
    "back": {"zh": "上一步", "en": "Back"},
    "next": {"zh": "下一步", "en": "Next"},
    "confirm": {"zh": "确认", "en": "Confirm"},
    "i_have_read": {"zh": "我已阅读", "en": "I have read it"},
    "replay": {"zh": "重播", "en": "Replay"},
    "mute": {"zh": "静音", "en": "Mute"},
    "larger": {"zh": "大字", "en": "Larger"},
    "language_toggle": {"zh": "English", "en": "中文"},
    "step": {"zh": "第 {step} 步，共 {total} 步", "en": "Step {step} of {total}"},
    "review_title": {"zh": "请核对笔录", "en": "Check your statement"},
    "review_help": {
        "zh": "这是将要打印的笔录。如有不对，请点“修改”。",
        "en": "This is the statement as it will be printed. Press Change to correct an answer.",
    },
    "review_comments": {
        "zh": "民警请您修改标出的 {n} 处回答。",
        "en": "The officer asks you to change the {n} marked answer(s).",
    },
    "officer_comment": {"zh": "民警意见：", "en": "Officer's comment: "},
    "change": {"zh": "修改", "en": "Change"},
    "statement_correct": {"zh": "笔录无误，去签名", "en": "It is correct: sign"},
    "question": {"zh": "问", "en": "Q"},
    "answer": {"zh": "答", "en": "A"},
    "not_answered": {"zh": "（未回答）", "en": "(not answered)"},
    "signature_title": {"zh": "请签名", "en": "Please sign"},
    "signature_help": {
        "zh": "签名表示您确认以上笔录与您所说的一致。",
        "en": "By signing you confirm that the statement matches what you said.",
    },
    "sign_here": {"zh": "请在此处签名", "en": "Sign here"},
    "clear": {"zh": "清除", "en": "Clear"},
    "submit": {"zh": "确认签名并提交", "en": "Confirm and submit"},
    "signature_empty": {"zh": "请先签名。", "en": "Please sign first."},
    "waiting_title": {"zh": "已提交，请稍候", "en": "Submitted. Please wait"},
    "waiting_submitted": {
        "zh": "您的笔录已交给民警审核。",
        "en": "An officer will review your statement.",
    },
    "waiting_in_review": {
        "zh": "民警正在审核您的笔录。",
        "en": "An officer is reviewing your statement.",
    },
    "returned_title": {"zh": "需要修改", "en": "Changes needed"},
    "returned_help": {
        "zh": "民警请您修改部分回答。请点“继续”。",
        "en": "The officer asks you to change some answers. Press Continue.",
    },
    "continue": {"zh": "继续", "en": "Continue"},
    "approved_title": {"zh": "办理完成", "en": "Done"},
    "approved_help": {
        "zh": "审批已完成。请听从民警安排，领取有关文书。",
        "en": "Your case is approved. Please follow the officer's instructions; the officer "
        "will give you the documents.",
    },
    "converted_title": {"zh": "请等待民警", "en": "Please wait for the officer"},
    "converted_help": {
        "zh": "您的案件将由民警按普通程序办理。请在此等候。",
        "en": "An officer will handle your case by the ordinary procedure. Please wait here.",
    },
    "finish": {"zh": "结束", "en": "Finish"},
    "idle_warning": {
        "zh": "{seconds} 秒后将返回首页",
        "en": "Returning to the start in {seconds} s",
    },
    "pin_title": {"zh": "管理员密码", "en": "Admin PIN"},
    "pin_wrong": {"zh": "密码不正确。", "en": "Wrong PIN."},
    # Too many wrong start codes or PINs on this kiosk (kiosk/guessing.py): how long to wait.
    "guess_wait_seconds": {
        "zh": "输入错误次数过多，请 {n} 秒后再试。",
        "en": "Too many wrong tries. Please try again in {n} seconds.",
    },
    "guess_wait_minutes": {
        "zh": "输入错误次数过多，请 {n} 分钟后再试。",
        "en": "Too many wrong tries. Please try again in {n} minutes.",
    },
    "cancel": {"zh": "取消", "en": "Cancel"},
    "exit": {"zh": "退出", "en": "Exit"},
    "saving_failed": {
        "zh": "保存失败，请重试或请民警协助。",
        "en": "Saving failed. Try again or ask the officer.",
    },
    "required": {"zh": "请填写此项。", "en": "Please fill this in."},
    # The notice of the intended penalty, before the decision (PSAPL Art. 112; PR Art. 46).
    "pn_title": {"zh": "处罚前告知", "en": "Before the decision: the intended penalty"},
    "pn_penalty": {"zh": "公安机关拟对您作出的处罚：{penalty}",
                   "en": "The penalty the police intend to give you: {penalty}"},
    "pn_facts": {"zh": "违法事实和理由：{facts}", "en": "Facts and reasons: {facts}"},
    "pn_basis": {"zh": "处罚依据：{basis}", "en": "Legal basis: {basis}"},
    "pn_rights": {
        "zh": "根据《中华人民共和国治安管理处罚法》第一百一十二条，您有陈述权和申辩权。公安机关"
        "必须充分听取您的意见，对您提出的事实、理由和证据进行复核；成立的，应当采纳。公安机关"
        "不得因您的陈述、申辩而加重处罚。",
        "en": "Under Article 112 of the Public Security Administration Punishments Law you have "
        "the right to state your case and to argue against it. The police must hear you and "
        "check the facts, reasons and evidence you give, and accept what holds. The penalty "
        "can never be made heavier because you argued.",
    },
    "pn_question": {"zh": "您对拟作出的处罚：", "en": "About the intended penalty:"},
    "pn_accept": {"zh": "接受，不陈述申辩", "en": "I accept it"},
    "pn_argue": {"zh": "我要陈述申辩", "en": "I want to state my case and argue"},
    "pn_grounds": {"zh": "请选择理由（可多选），并可写明您的意见：",
                   "en": "Choose your reasons (any number) and write what you want to say:"},
    "pn_text_placeholder": {"zh": "写明您的陈述和申辩（可选）",
                            "en": "What you want to say (optional)"},
    "pn_argument_empty": {"zh": "请选择理由或写明您的意见。",
                          "en": "Choose a reason or write what you want to say."},
    "pn_signature_help": {
        "zh": "签名表示您已被告知拟作出的处罚及您的权利，并确认以上答复。",
        "en": "By signing you confirm that you were told the intended penalty and your rights, "
        "and that the answer above is yours.",
    },
    "pn_kind_warning": {"zh": "警告", "en": "a warning"},
    "pn_kind_fine": {"zh": "罚款人民币{amount}元", "en": "a fine of {amount} yuan"},
    "pn_kind_detention": {"zh": "行政拘留{days}日",
                          "en": "administrative detention of {days} days"},
    "pn_kind_detention_and_fine": {
        "zh": "行政拘留{days}日，并处罚款人民币{amount}元",
        "en": "administrative detention of {days} days and a fine of {amount} yuan",
    },
    # The recording (PSAPL Art. 97: questioning is recorded on synchronized audio and video
    # from start to end; Art. 108: without it the statement cannot be the basis of a penalty).
    "recording_on": {"zh": "录音录像中", "en": "Recording"},
    "recording_fault_title": {"zh": "请稍候，已通知民警",
                              "en": "Please wait. An officer is coming"},
    "recording_fault_help": {
        "zh": "录音录像设备暂时无法使用，询问已暂停。您已填写的内容都已保存。",
        "en": "The audio and video recording is not working, so the questioning is paused. "
        "Everything you have entered is saved.",
    },
    "recording_fault_camera_missing": {"zh": "未找到摄像头", "en": "No camera found"},
    "recording_fault_microphone_missing": {"zh": "未找到麦克风", "en": "No microphone found"},
    "recording_fault_device_busy": {"zh": "摄像头或麦克风被占用",
                                    "en": "The camera or microphone is in use"},
    "recording_fault_camera_failed": {"zh": "摄像头没有画面", "en": "The camera stopped"},
    "recording_fault_microphone_failed": {"zh": "麦克风没有声音",
                                          "en": "The microphone stopped"},
    "recording_fault_disk_full": {"zh": "存储空间已满", "en": "The disk is full"},
    "recording_fault_store_unreachable": {"zh": "无法连接数据库",
                                          "en": "The station database cannot be reached"},
    "recording_fault_encoder_failed": {"zh": "录像编码出错", "en": "The recording failed"},
    "recording_retry": {"zh": "民警：重新开始录音录像", "en": "Officer: restart the recording"},
}


def lookup(table: dict[str, dict[str, str]], key: str, language: str,
           values: dict[str, object]) -> str:
    """The wording of `key` in a language (Chinese when missing), with `{name}` values filled."""
    entry = table[key]
    return render_text(entry.get(language) or entry["zh"], {k: str(v) for k, v in values.items()})


def tr(key: str, language: str, **values: object) -> str:
    """The wording of `key` in a language, with `{name}` values filled in."""
    return lookup(STRINGS, key, language, values)


def wait_words(seconds: int, language: str) -> str:
    """How long a kiosk must wait before the next try, in whole seconds or (from two minutes)
    minutes rounded up."""
    if seconds < 120:
        return tr("guess_wait_seconds", language, n=seconds)
    return tr("guess_wait_minutes", language, n=-(-seconds // 60))
