"""The audit log as a person reads it: each event's Chinese name, the roles in Chinese, and the
changes as "字段：值" instead of a Python dict (SECURITY.md L4: the auditor reads the log, not the
code). The codes stay in the table and the chain; only the page and the export translate them.
A test fails when a service writes an event code that has no name here.

    >>> event_label("voter.register"), event_label("voters.something_new")
    ('登记选民', 'voters.something_new')
    >>> changes_text({"id_masked": "630121********0143", "flowing": True, "n": None})
    '身份证号：630121********0143；流动党员：是；n：—'
"""

from __future__ import annotations

from typing import Any, Final

# Event codes → names. Grouped by the code's first part, which is also the page's filter.
EVENT_LABELS: Final[dict[str, str]] = {
    "auth.login": "登录成功",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.password_change": "修改本人密码",
    "auth.session_expired": "会话超时退出",
    "auth.otp_enrolled": "绑定手机验证器",
    "auth.recovery_code_used": "使用恢复码登录",
    "auth.recovery_codes_renewed": "重新生成恢复码",
    "user.create": "新建用户",
    "user.roles_set": "设置用户角色",
    "user.activate": "启用用户",
    "user.deactivate": "停用用户",
    "user.unlock": "解除登录锁定",
    "user.password_reset": "重置用户密码",
    "user.otp_reset": "解除两步验证绑定",
    "user.sessions_ended": "结束登录会话",
    "access.rate_limited": "访问个人信息页面过于频繁",
    "access.denied": "越权访问被拒绝",
    "audit.search": "查询审计日志",
    "audit.verify": "校验审计日志哈希链",
    "audit.export": "导出审计日志",
    "audit.ship": "审计日志送往日志服务器",
    "regions.load": "载入行政区划",
    "region.kind_correct": "更正村(社区)类别",
    "campaign.create": "新建换届",
    "campaign.update": "修改换届",
    "campaign.village_include": "纳入村(社区)",
    "campaign.village_exclude": "不纳入村(社区)",
    "campaign.village_election_date": "设定选举日",
    "campaign.retention_set": "修改个人信息保存期限",
    "campaign.personal_data_purge": "到期删除换届个人信息",
    "people.create": "新建人员",
    "people.bulk_create": "批量新建人员",
    "people.status_record": "登记人员变动",
    "people.status_correct": "更正人员变动登记",
    "people.changes_import": "导入变动名单",
    "people.changes_expire": "变动名单预览过期",
    "person.reveal_id": "查看完整身份证号",
    "voter.register": "登记选民",
    "voter.remove": "选民除名",
    "voter.restore": "恢复选民登记",
    "voter.flag": "标记待核实",
    "voter.unflag": "撤销待核实",
    "voter.correct": "更正选民登记",
    "voter.carry_over": "结转上届选民名单",
    "voter.conflict": "转县级处理重复登记",
    "voter.conflict_resolve": "处理重复登记",
    "voter.list_publish": "公布选民名单",
    "voter.objection_record": "登记申诉",
    "voter.objection_decide": "处理申诉",
    "voter.proxy_record": "办理委托投票",
    "voter.proxy_withdraw": "撤销委托投票",
    "voters.import": "导入选民名单",
    "voters.import_expire": "选民名单导入预览过期",
    "voters.roll_build": "从人员库生成选民名单",
    "voters.roll_export": "导出选民名单",
    "uploads.problems_export": "下载导入问题清单",
    "party.branch_create": "建立村党组织",
    "party.member_add": "添加党员",
    "party.member_status": "变更党员状态",
    "party.member_joined_on": "更正入党日期",
    "party.registration_set": "党员选举登记",
    "party.roll_import": "导入党员名册",
    "party.roll_import_expire": "党员名册导入预览过期",
    "election.create": "设置选举",
    "election.seats_set": "设定职位职数",
    "nominee.propose": "提名初步人选",
    "nominee.send_to_review": "提交资格审查",
    "nominee.qualify": "资格审查通过",
    "nominee.disqualify": "资格审查未通过",
    "nominee.recommend": "民主推荐",
    "nominee.preselect": "乡镇党委差额票决确定预备人选",
    "nominee.make_formal": "确定正式候选人",
    "nominee.withdraw": "提名人选退出",
    "nominee.import": "导入提名人选",
    "nominee.import_expire": "提名人选导入预览过期",
    "statement.record": "登记两述",
    "publicity.open": "发布公示",
    "publicity.objection_receive": "登记公示期间反映的问题",
    "publicity.objection_decide": "处理公示期间反映的问题",
    "candidate_list.fix": "确定正式候选人名单",
    "candidate_list.unfix": "撤销确定正式候选人名单",
    "candidate_list.fill": "正式候选人退出递补",
    "committee.create": "登记村民选举委员会",
    "committee.member_add": "登记选举委员会成员",
    "committee.member_withdraw": "选举委员会成员退出",
    "committee.set_chair": "推选选举委员会主任",
    "review.setup": "设置资格联审",
    "review.department_add": "添加联审部门",
    "review.department_update": "修改联审部门",
    "review.condition_create": "添加负面清单情形",
    "review.condition_update": "修改负面清单情形",
    "review.condition_delete": "删除负面清单情形",
    "review.start": "开始资格审查",
    "review.pre_pass": "村级预审通过",
    "review.town_pass": "乡镇初审通过",
    "review.pass": "预审或初审通过",
    "review.reuse": "沿用此前的联审结论",
    "review.reject": "预审或初审未通过",
    "review.batch_create": "新建联审批次",
    "review.batch_add": "编入联审批次",
    "review.batch_remove": "移出联审批次",
    "review.batch_send": "联审批次送审",
    "review.send": "送联审部门审查",
    "review.answer": "联审部门答复",
    "review.clear": "联审通过",
    "review.disqualify": "联审未通过",
    "review.close": "终止资格审查",
    "review.ledger_export": "导出联审台账",
    "review.ledger_import": "导入联审台账",
    "review.ledger_import_expire": "联审台账导入预览过期",
    "review.attachment_read": "查看联审附件",
    "rule_profile.create": "新建县级选举规则",
    "rule_profile.parameter_set": "设定选举规则参数",
    "rule_profile.parameter_clear": "清除选举规则参数",
    "rule_profile.publish": "发布县级选举规则",
    "rule_profile.freeze": "冻结县级选举规则",
    "rule_profile.new_version": "县级选举规则新版本",
    "campaign.rule_profile_set": "换届采用县级选举规则",
    "poll.create": "建立投票",
    "poll.open_voting": "开始投票",
    "poll.start_counting": "开始计票",
    "poll.cancel": "取消投票",
    "poll.close": "结束投票",
    "result.certify_town": "乡镇确认选举结果",
    "result.certify_county": "县级确认选举结果",
    "result.return": "退回选举结果",
    "result.correction_open": "提出结果更正（更正计票数据或重新计票）",
    "result.correction_enter": "录入更正后的票箱数字",
    "result.correction_submit": "提交结果更正（生成待批准版本）",
    "result.correction_approve": "批准结果更正（新版本生效）",
    "result.correction_reject": "驳回结果更正",
    "result.correction_withdraw": "撤回结果更正",
    "result.scan_upload": "上传计票结果报告单",
    "result.scan_remove": "撤下计票结果报告单",
    "result.scan_view": "查看计票结果报告单",
    "result.box_check": "核对计票结果报告单",
    "result.incident_raise": "标记票箱异常",
    "result.incident_resolve": "处理票箱异常",
    "result.document": "下载选举结果文书",
    "result.public_rate_limited": "公开核验查询过于频繁（已拒绝）",
    "roster.from_result": "按选举结果更新干部名册",
    "roster.recall_motion": "提出罢免要求",
    "roster.recall_vote": "登记罢免表决结果",
    "roster.by_election": "登记补选",
    "roster.term_create": "登记届次",
    "roster.cadre_leave": "登记干部离任",
    "roster.term_date": "修改届次基准日期",
    "roster.structure_rules": "设置班子结构要求",
    "roster.kinship_record": "登记近亲属关系",
    "roster.kinship_remove": "删除近亲属关系",
    "roster.structure_export": "导出班子结构问题清单",
    "roster.import": "导入干部名册",
    "roster.import_expire": "干部名册导入预览过期",
    "roster.cadre_update": "修改干部信息（文化程度、政治面貌、民族、身份标签）",
    "roster.reserve_add": "登记后备干部",
    "roster.reserve_update": "修改后备干部信息",
    "roster.reserve_remove": "调出后备干部",
    "roster.departure_care": "登记离任关爱",
    "poll.result": "生成计票结果",
    "poll.check_explain": "填写计票预警说明",
    "poll.box_add": "增加票箱",
    "poll.box_update": "修改票箱",
    "poll.box_remove": "删除票箱",
    "poll.mobile_voter_add": "列入流动票箱投票人员",
    "poll.mobile_voter_remove": "移出流动票箱投票人员",
    "poll.staff_appoint": "确定投票工作人员",
    "poll.staff_remove": "免去投票工作人员",
    "poll.ballots_issue": "发放选票",
    "poll.ballots_print": "打印选票",
    "poll.check_in": "领票登记",
    "poll.check_in_undo": "撤销领票登记",
    "poll.party_attend": "党员到会登记",
    "poll.party_attend_undo": "撤销党员到会登记",
    "poll.sheet_create": "建立计票结果报告单",
    "poll.sheet_entry_start": "开始录入计票结果",
    "poll.sheet_entry_save": "保存计票结果录入",
    "poll.sheet_entry_finish": "完成计票结果录入",
    "poll.sheet_decide": "处理两次录入的差异",
    "poll.ballot_correct": "更正唱票录入",
    "poll.ballot_undo": "撤销唱票录入",
    "poll.display_link_issue": "发放大屏链接",
    "poll.display_link_revoke": "撤销大屏链接",
    "ledgers.import": "导入工作台账",
    "ledgers.import_expire": "工作台账导入预览过期",
    "ledgers.export": "导出工作台账",
    "ledgers.assessment_record": "登记摸底研判",
    "ledgers.assessment_update": "修改摸底研判",
    "ledgers.assessment_complex": "选情复杂村名单自动调整",
    "ledgers.contingency_record": "登记一村一策预案",
    "ledgers.contingency_update": "修改一村一策预案",
    "ledgers.rectification_record": "登记整顿事项",
    "ledgers.rectification_update": "修改整顿事项",
    "ledgers.rectification_close": "整顿事项销号",
    "ledgers.rectification_reopen": "整顿事项重新打开",
    "ledgers.audit_plan": "安排离任审计",
    "ledgers.audit_update": "修改离任审计",
    "ledgers.audit_start": "离任审计进场",
    "ledgers.audit_report": "离任审计出具报告",
    "ledgers.candidate_record": "登记意向人选",
    "ledgers.candidate_update": "修改意向人选",
    "ledgers.candidate_confirm": "确定意向人选",
    "ledgers.candidate_drop": "放弃意向人选",
    "progress.stage_done": "登记工作日程环节完成",
    "progress.stage_undone": "撤销工作日程环节完成",
    "oversight.group_create": "新建督导组",
    "oversight.group_update": "修改督导组",
    "oversight.visit_record": "登记督导记录",
    "oversight.visit_update": "修改督导记录",
    "oversight.problem_record": "登记督导发现问题",
    "oversight.problem_update": "修改督导发现问题",
    "oversight.problem_follow_up": "登记问题整改措施",
    "oversight.problem_close": "督导问题整改销号",
    "oversight.problem_reopen": "督导问题重新整改",
    "oversight.petition_receive": "受理信访举报",
    "oversight.petition_update": "修改信访举报",
    "oversight.petition_handle": "登记信访举报办理情况",
    "oversight.petition_extend": "延长信访举报办理期限",
    "oversight.petition_settle": "信访举报办结",
    "oversight.training_record": "登记培训",
    "oversight.training_update": "修改培训",
    "oversight.attendee_add": "登记参训人员",
    "oversight.attendee_update": "修改参训人员",
    "oversight.work_record_add": "登记会议文件",
    "oversight.work_record_update": "修改会议文件",
}

GROUP_LABELS: Final[dict[str, str]] = {
    "auth": "登录",
    "access": "访问控制",
    "user": "用户管理",
    "audit": "安全审计",
    "regions": "行政区划",
    "region": "行政区划",
    "campaign": "换届",
    "people": "人员",
    "person": "人员",
    "voter": "选民登记",
    "voters": "选民登记",
    "uploads": "文件导入",
    "party": "党组织",
    "election": "选举",
    "nominee": "提名与候选人",
    "statement": "提名与候选人",
    "publicity": "提名与候选人",
    "candidate_list": "提名与候选人",
    "committee": "村民选举委员会",
    "review": "资格联审",
    "rule_profile": "选举规则",
    "progress": "工作日程",
    "ledgers": "工作台账",
    "oversight": "督导、信访与培训",
}

# Keys of `changes` → column names as the pages call them.
CHANGE_LABELS: Final[dict[str, str]] = {
    "id_masked": "身份证号",
    "name": "姓名",
    "branch": "党组织",
    "member": "党员",
    "status": "状态",
    "flowing": "流动党员",
    "campaign": "换届",
    "village": "村(社区)",
    "villages": "村(社区)数",
    "region": "区划",
    "registered": "已登记",
    "registered_on": "登记日期",
    "exclusion": "不计入理由",
    "approved": "已批准",
    "note": "说明",
    "election_date": "选举日",
    "kind": "类别",
    "source": "依据",
    "reason": "原因",
    "person": "人员",
    "on": "日期",
    "until": "截止日期",
    "removed": "除名",
    "flagged": "待核实",
    "created": "新建",
    "skipped_existing": "已有未建",
    "roles": "角色",
    "second_factor": "第二因素",
    "recovery_codes": "恢复码数",
    "left": "剩余恢复码",
    "ended": "结束会话数",
    "principal": "委托人",
    "holder": "受委托人",
    "close_relative": "近亲属",
    "filed_on": "办理日期",
    "withdrawn_on": "撤销日期",
    "flag": "待核实事项",
    "filename": "文件名",
    "sha256": "文件SHA-256",
    "rows": "数据行",
    "rejected": "错误行",
    "doubtful": "待核实行",
    "accepted": "登记",
    "unchanged": "未变化",
    "conflicts": "重复登记",
    "applied": "登记变动",
    "added": "新增",
    "updated": "更新",
    "problems": "问题数",
    "term_number": "届次",
    "rule_province": "规则省份",
    "window": "工作期间",
    "retention_until": "个人信息保存期限",
    "registrations": "选民登记",
    "objections": "申诉",
    "proxies": "委托投票",
    "publications": "选民名单公告",
    "import_jobs": "导入任务",
    "member_registrations": "党员选举登记",
    "people_erased": "删除个人信息的人员",
    "nominees": "提名人选",
    "statements": "两述记录",
    "publicity_objections": "公示期间反映的问题",
    "committee_members": "选举委员会成员",
    "reviews": "资格审查",
    "review_findings": "联审意见",
    "review_attachments": "联审附件",
    "category": "登记类别",
    "group_name": "村民小组",
    "filters": "查询条件",
    "permission": "所需权限",
    "lookup": "查找条件",
    "path": "页面",
    "body": "选举的组织",
    "nomination_method": "提名方式",
    "seats": "职位职数",
    "election": "选举",
    "post": "职位",
    "how_nominated": "提名方式",
    "order": "提名顺序",
    "stage": "阶段",
    "barred": "不得作为候选人",
    "disqualified_reason": "资格审查未通过原因",
    "withdrawn_reason": "退出原因",
    "member_votes": "党员推荐票数",
    "mass_votes": "群众推荐票数",
    "committee_votes": "乡镇党委票决票数",
}


# Coded values (a removal reason, a category, a member's status) → their Chinese labels. Each
# app adds its own choices when it is ready (`add_value_labels`): the audit app knows no rolls.
VALUE_LABELS: dict[str, str] = {}


def add_value_labels(*choices: Any) -> None:
    """Add (code, label) pairs, e.g. a TextChoices' `.choices`, to VALUE_LABELS."""
    for pairs in choices:
        VALUE_LABELS.update((str(code), str(label)) for code, label in pairs)


def event_label(action: str) -> str:
    """The event's Chinese name; an unknown code is shown as it is."""
    return EVENT_LABELS.get(action, action)


def event_choices() -> list[tuple[str, list[tuple[str, str]] | str]]:
    """The page's event filter: every event by group, each group selectable whole ("voter."
    matches every voter event)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, label in EVENT_LABELS.items():
        group = GROUP_LABELS.get(code.split(".", 1)[0], code.split(".", 1)[0])
        groups.setdefault(group, []).append((code, label))
    choices: list[tuple[str, list[tuple[str, str]] | str]] = [("", "全部事件")]
    for group, items in groups.items():
        prefixes = sorted({code.split(".", 1)[0] + "." for code, _ in items})
        whole = [(p, f"{group}（全部）") for p in prefixes[:1]]
        choices.append((group, whole + items))
    return choices


def roles_text(role: str) -> str:
    """The roles column ("county_officer,town_officer") in Chinese."""
    from huanjie.accounts.models import Role

    labels = dict(Role.choices)
    return "、".join(labels.get(r, r) for r in role.split(",") if r) if role else ""


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dict):
        if set(value) == {"old", "new"}:
            return f"{_value(value['old'])} → {_value(value['new'])}"
        return "（" + changes_text(value) + "）"
    if isinstance(value, list | tuple):
        return "、".join(_value(v) for v in value)
    text = str(value)
    return VALUE_LABELS.get(text, text)


def changes_text(changes: Any) -> str:
    """The changes of an event as "字段：值；…"."""
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return _value(changes)
    return "；".join(f"{CHANGE_LABELS.get(k, k)}：{_value(v)}" for k, v in changes.items())
