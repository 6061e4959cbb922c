"""The field inventory of personal information (SECURITY.md P1, P2): every concrete (and
many-to-many) field of every model of the huanjie apps, each either a `PersonalField` (what kind of personal information, what
it is kept for, on which legal basis) or `NOT_PERSONAL`. It is where a 个人信息保护影响评估 starts.

A field is personal when its value says something about a person (a voter, a Party member, an
official) or points at one: identity, attributes, status, the registration of the person, a
foreign key to their row, or free text that can quote them. A column that only orders, counts or
scopes records (a job's state, a campaign, a place code, a row hash) is not, even on a table about
people: the row is personal through its personal columns.

`huanjie/tests/test_privacy.py` fails when a model gains a field not listed here, when an entry
names a field that no longer exists, when a field whose name or type suggests personal data is
called NOT_PERSONAL without a reason in `NOT_PERSONAL_DESPITE_NAME`, and when a personal field
lacks a purpose or a basis. `python -m huanjie.privacy > docs/personal-data.md` writes the table
for people, and a test compares the committed file with it (`make docs`).

>>> INVENTORY["people.Person.id_cipher"].kind
'身份证号（密文）'
>>> INVENTORY["regions.Region.code"] is NOT_PERSONAL
True
"""

from __future__ import annotations

import enum
import os
import sys
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class PersonalField:
    """A field holding personal information. `sensitive`: sensitive personal information (PIPL
    28): the ID number (SECURITY.md §1 decision) and criminal matters such as deprivation of
    political rights, detention or a sentence served, and health (35273 Annex B)."""

    kind: str
    purpose: str
    basis: str
    sensitive: bool = False


class NotPersonal(enum.Enum):
    NOT_PERSONAL = "非个人信息"

    def __repr__(self) -> str:
        return "NOT_PERSONAL"


NOT_PERSONAL: Final = NotPersonal.NOT_PERSONAL

Entry = PersonalField | NotPersonal

# Kinds of personal information.
ID_CIPHER = "身份证号（密文）"
ID_MASKED = "身份证号（掩码）"
ID_HASH = "身份证号查找哈希"
NAME = "姓名"
SEX = "性别"
BIRTH = "出生日期"
ETHNICITY = "民族"
HUKOU = "户籍地（村/社区）"
HOUSEHOLD = "户号"
GROUP = "村民小组"
PHONE = "手机号"
EMAIL = "电子邮箱"
FREE_TEXT = "自由文本（可能含个人信息）"
FREE_TEXT_REDACTED = "自由文本（可能含个人信息，身份证号写入前已掩码）"
PARTY = "政治面貌/党员状态"
ELIGIBILITY = "选民资格事实（死亡、剥夺或恢复政治权利）"
DEATH = "选民资格事实（死亡）"
DEPRIVATION = "选民资格事实（剥夺政治权利）"
REGISTRATION = "选民登记情况"
VOTER_LIST = "选民名单（姓名、村民小组）"
RELATION = "亲属关系"
OBJECTION = "申诉情况"
PARTY_REGISTRATION = "党员选举登记情况"
LINK = "人员关联（指向个人记录的外键或标识）"
STAFF = "工作人员关联（经办人、操作人）"
CANDIDACY = "候选人提名情况"
QUALIFICATION = "候选人资格审查结论"
ACCOUNT = "账号标识（用户名）"
WORK = "工作信息（所属区划、角色、部门）"
CREDENTIAL = "鉴别信息（口令哈希）"
SESSION = "鉴别信息（会话标识）"
LOGIN = "登录记录"
IP = "IP地址"
STATEMENT = "两述记录（竞职陈述和问答）"
PUBLICITY_OBJECTION = "公示期间反映的问题及处理结果"
CANDIDATE_NAMES = "正式候选人名单（姓名）"
COMMITTEE = "村民选举委员会成员情况（职务、推选得票、顺序、状态、退出情形）"
REVIEW_FINDING = "资格联审意见（是否存在不得、不宜作为候选人的情形，可含违法犯罪记录）"
FINGERPRINT = "人员信息指纹（身份证号查找哈希、姓名、出生日期、剥夺政治权利等的SHA-256）"
ATTACHMENT = "联审附件（部门出具的证明材料，密封文件）"
POLL_RESULT = "计票结果（候选人及另选他人的姓名与得票，不含投票人）"
PARTICIPATION = "参加投票情况（领票的时间、票箱、核验方式、代为投票）"
POLL_DUTY = "投票工作人员职责（监票、唱票、计票、发票、代书、流动票箱）"
MOBILE_REASON = "使用流动票箱的原因（可含年老体弱、患病等健康状况）"
RESULT_FILE = "选举结果文件（当选人及候选人、另选他人的姓名、性别与得票，不含投票人）"
TALLY_SCAN = "签字的计票结果报告单照片或扫描件（含监票、计票、唱票人签名，密封文件）"
CADRE = "干部任职情况（组织、职务、任职与离任日期及原因）"
RECALL = "罢免情况（罢免理由、联名与表决结果）"
EDUCATION = "文化程度"
CADRE_TAGS = "干部身份标签（大学生村官、退役军人、私营企业主/致富带头人、种养大户、回乡创业）"
AGE = "年龄（按届次基准日期计算）"
RESERVE = "后备干部情况（现工作单位及职务、拟培养组织与职务、来源渠道、入库与调出及原因）"
PETITIONER = "信访人信息（姓名、电话，均可不填）"
TRAINEE = "参加培训情况（所参加的培训，本人的职务、所在村(社区)或工作单位）"
CARE = "离任关爱情况（谈心谈话日期、一次性补助与养老保险补助金额、另行安排工作及去向）"

# How a kind is stored (SECURITY.md D2, D3, D4) and shown (P3, P4); any other kind: in clear,
# shown to users whose scope holds the record.
STORAGE: Final[dict[str, str]] = {
    ID_CIPHER: "AES-256-GCM 字段加密（D2）",
    ID_HASH: "HMAC-SHA256 带密钥哈希，不可还原（D3）",
    ID_MASKED: "明文，本身即掩码（前6位+后4位）",
    CREDENTIAL: "PBKDF2-SHA256 口令哈希（D4）",
    PHONE: "明文（未字段加密，D2 未做）",
    FREE_TEXT_REDACTED: "明文，其中的身份证号写入前已掩码（P3）",
    FINGERPRINT: "SHA-256 哈希，不显示",
    ATTACHMENT: "文件以 AES-256-GCM 密封存于 VAR_DIR/review（D2），库中只存随机文件名",
}
DISPLAY: Final[dict[str, str]] = {
    ID_CIPHER: "不显示；县级经授权、填写理由后逐人查看并审计（P4）",
    ID_HASH: "不显示",
    ID_MASKED: "掩码显示（P3）",
    CREDENTIAL: "不显示",
    SESSION: "不显示（仅作 Cookie 发给本人）",
    PHONE: "掩码显示，如 138****1234（P3）",
    FREE_TEXT_REDACTED: "显示，身份证号为掩码（P3）",
    FINGERPRINT: "不显示",
    ATTACHMENT: "按数据范围下载，每次下载审计（review.attachment_read）",
}
PLAIN_STORAGE = "明文"
PLAIN_DISPLAY = "按数据范围显示"

# Legal bases (PIPL 13, 34).
DUTY = "个人信息保护法第十三条第一款第三项（履行法定职责）、第三十四条"
PARTY_DUTY = (
    "个人信息保护法第十三条第一款第三项、第三十四条；党内法规：中国共产党基层组织选举工作条例"
    "（党内法规不是法律、行政法规，依据待影响评估确认）"
)
SECURITY_DUTY = (
    "个人信息保护法第十三条第一款第三项（履行法定义务：网络安全法第二十一条，网络安全等级保护）"
)
NOT_COLLECTED = "不适用（系统不采集、不写入）"

# The short names docs/personal-data.md prints in its table, each explained once above it.
BASIS_LABELS: Final[dict[str, str]] = {
    DUTY: "法定职责",
    SECURITY_DUTY: "法定义务（网络安全）",
    PARTY_DUTY: "党内法规（待确认）",
    NOT_COLLECTED: "不采集",
}

# Sources cited in the purposes.
VC = "村民委员会组织法(2025)"
RC = "城市居民委员会组织法(2025)"
PARTY_RULES = "中国共产党基层组织选举工作条例"

# Purposes shared by several fields.
STAFF_PURPOSE = "责任追溯：记录经办的工作人员（SECURITY.md L1、L2）"
UPLOAD_FILENAME = "上传文件的原名，供经办人辨认（身份证号写入前已掩码，P3）"
UPLOAD_PROBLEMS = "导入问题清单：指出哪一行哪一格有误及其内容，供经办人改正后重新上传"
UPLOAD_MESSAGE = "导入结果或失败原因的说明"
LOGIN_PURPOSE = "登录失败处理与账号锁定（SECURITY.md A3；GB/T 22239 8.1.4.1 b)）"
AUDIT_PURPOSE = "安全审计：谁在何时对何对象做了什么（SECURITY.md L2；GB/T 22239 8.1.4.3）"
DEPRIVED_PURPOSE = (
    f"选民资格：依照法律被剥夺政治权利的人除外（{VC}第十六条；刑法第五十四条至第五十八条）"
)
REGISTERED_VILLAGE = f"选民登记：登记的村（社区），一人一届只在一个村（社区）登记（{VC}第十六条）"
CATEGORY_PURPOSE = (
    f"选民登记：登记类别，即户籍与居住情况（{VC}第十六条、{RC}第十六条；"
    "本人申请并经同意的登记由村民会议或村民代表会议同意）"
)
GROUP_PURPOSE = f"选民名单按村民小组登记、编排和公布（{VC}第十七条）"
ROLL_CHANGE_PURPOSE = (
    "选民名单变动（四增四减）及其原因：新满十八周岁、迁入迁出、死亡、被依法剥夺或恢复政治权利、"
    f"申诉成立（{VC}第十六条、第十七条）"
)
CONFLICT_PURPOSE = f"重复登记：同一人在同一届再次登记的村、类别和小组，供县级处理（{VC}第十六条）"
PROXY_PURPOSE = f"委托投票：委托人和受委托人（{VC}第十八条第四款；本省选举办法）"
RELATION_PURPOSE = (
    f"委托投票：受委托人与委托人的关系，核对是否近亲属（{VC}第十八条第四款；本省选举办法）"
)
OBJECTION_PURPOSE = f"选民名单申诉：申诉事由与处理结果（{VC}第十七条）"
MEMBER_VOTE = (
    f"党员大会：只有正式党员有表决权，预备党员、留党察看、被依法留置或逮捕的没有（{PARTY_RULES}"
    "第五条）"
)
NOMINATION_PURPOSE = (
    f"候选人提名：提名的选举、职位、方式与阶段，直至确定正式候选人（{VC}第十八条；{PARTY_RULES}"
    "第十四条）"
)
RECOMMENDATION_PURPOSE = f"三推两述一选：民主推荐和乡镇党委差额票决的得票（{PARTY_RULES}第十四条）"
QUALIFICATION_PURPOSE = (
    f"候选人资格审查：不得作为候选人的情形（{VC}第十八条），使其不能列入任何候选人名单"
)
MEMBER_REGISTRATION = f"党员大会：党员选举登记与应到会人数（{PARTY_RULES}第五条）"
QUORUM_EXCLUSION = (
    "党员大会应到会人数：经上级批准、党员大会通过不计入的党员及其理由（中组部关于党员大会应到会"
    f"人数的规定；{PARTY_RULES}第五条）"
)
STATEMENT_PURPOSE = (
    f"两述：提名人选的竞职陈述和回答提问的记录，供推荐、票决参考（{PARTY_RULES}第十四条；"
    "三推两述一选）"
)
PUBLICITY_PURPOSE = (
    f"候选人公示：公示期间反映的问题、反映人及处理结果（{VC}第十八条；本省选举办法）"
)
LIST_PURPOSE = (
    f"正式候选人名单：按姓氏笔画或得票多少排列并公布，候选人退出后依次递补（{VC}第十八条）"
)
COMMITTEE_PURPOSE = (
    f"村民选举委员会：成员由村民会议、村民代表会议或村民小组会议推选产生，主持选举（{VC}第十五条）"
)
COMMITTEE_WITHDRAWAL = (
    f"村民选举委员会成员被提名为候选人（或其近亲属被提名）的应当退出，按原推选结果依次递补"
    f"（{VC}第十五条）"
)
REVIEW_PURPOSE = (
    f"资格联审：有关部门逐项审查负面清单所列不得、不宜作为候选人的情形（{VC}第十八条），"
    "结论决定提名人选能否列入候选人名单"
)
REUSE_PURPOSE = "资格联审：同一换届中已通过联审、信息未变的人员沿用原结论，不再重复送审"
POLL_PURPOSE = (
    f"投票与计票：无记名投票、公开计票、当场公布选举结果，秘密写票（{VC}第十八条第三款）；"
    "计票结果冻结存档，供核验和复算"
)
CHECK_IN_PURPOSE = (
    f"验证发票：每人领一张选票，统计参加投票人数以判断投票是否有效（{VC}第十八条第二款）；"
    "受委托人凭委托代为领票（第十八条第四款）"
)
POLL_STAFF_PURPOSE = "投票工作人员名单：候选人及其近亲属不得担任（村民委员会选举规程）"
MOBILE_PURPOSE = "流动票箱投票人员名单：依法公布，收回选票不得多于名单人数（各省选举办法）"
RESULT_PURPOSE = (
    f"选举结果的确认、公告、当选证书、纪实表与公开核验（{VC}第十八条“当场公布选举结果”），"
    "更正须留痕（选举档案）"
)
SCAN_PURPOSE = "计票结果报告单原件与录入结果的核对，选举档案（纪实材料）"
ROSTER_PURPOSE = (
    f"村(社区)干部名册：当选人任职、届中变动（罢免、补选）的记录（{VC}第十九条、第二十三条）"
)
PUBLIC_CHECK_PURPOSE = "公开核验页面的访问频率限制（按访问地址的密钥哈希计数，不保存地址本身）"
RECALL_PURPOSE = f"罢免：罢免要求的联名人数与表决结果（{VC}第十九条）"
ROSTER_DETAIL_PURPOSE = (
    "村(社区)干部队伍结构统计：年龄、性别、民族、文化程度、政治面貌与身份标签"
    "（村“两委”换届工作总结报告，seed 003 §二；党员村委会主任等按中国共产党农村基层组织工作条例）"
)
KIN_PURPOSE = (
    f"近亲属回避：班子成员之间的近亲属关系（民法典第一千零四十五条；{VC}第二十三条；本地换届纪律）"
)
RESERVE_PURPOSE = (
    "村级后备干部队伍建设：乡镇掌握的后备人选及其是否进入新一届班子（换届工作要求，seed 003）"
)
CARE_PURPOSE = (
    "离任村干部关爱：谈心谈话、一次性补助、养老保险补助续交与另行安排工作（换届工作要求，seed 003）"
)

SCHEDULE_PURPOSE = "换届工作日程：各环节完成情况的说明、选举日变更的原因（issue 14；WORKFLOW.md）"
LEDGER_PURPOSE = "换届工作台账：摸底研判、一村一策、整顿、离任审计的责任人与情况（seed 003、004）"
CANDIDATE_PURPOSE = "人选物色：乡镇掌握的新一届“两委”人选，特别是“一肩挑”人选（seed 004）"
INSPECTION_PURPOSE = (
    "换届督导：督导组的组成、督导记录、发现的问题及整改情况（seed 000：县级督导组全程督导）"
)
PETITION_PURPOSE = "换届信访举报的受理、办理、办结及办理期限（信访工作条例(2022)）"
TRAINING_PURPOSE = "换届业务培训的组织和参训人员登记、统计（seed 000）"


def _upload_job(app_model: str) -> dict[str, Entry]:
    """The fields every import job has (`uploads.models.UploadJob`)."""
    return {
        f"{app_model}.id": NOT_PERSONAL,
        f"{app_model}.region": NOT_PERSONAL,  # the import's scope
        f"{app_model}.filename": PersonalField(FREE_TEXT_REDACTED, UPLOAD_FILENAME, DUTY),
        f"{app_model}.sha256": NOT_PERSONAL,
        f"{app_model}.stored_path": NOT_PERSONAL,  # a random name, the file itself sealed (D2)
        f"{app_model}.status": NOT_PERSONAL,
        f"{app_model}.total_rows": NOT_PERSONAL,
        f"{app_model}.done_rows": NOT_PERSONAL,
        f"{app_model}.rejected": NOT_PERSONAL,
        f"{app_model}.doubtful": NOT_PERSONAL,
        f"{app_model}.problems": PersonalField(FREE_TEXT_REDACTED, UPLOAD_PROBLEMS, DUTY),
        f"{app_model}.message": PersonalField(FREE_TEXT_REDACTED, UPLOAD_MESSAGE, DUTY),
        f"{app_model}.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
        f"{app_model}.created_at": NOT_PERSONAL,
        f"{app_model}.finished_at": NOT_PERSONAL,
    }


INVENTORY: Final[dict[str, Entry]] = {
    # ── regions: the administrative division tree; places, no people ────────────────────────
    "regions.Region.code": NOT_PERSONAL,
    "regions.Region.name": NOT_PERSONAL,
    "regions.Region.short_name": NOT_PERSONAL,
    "regions.Region.level": NOT_PERSONAL,
    "regions.Region.parent": NOT_PERSONAL,
    "regions.Region.kind": NOT_PERSONAL,
    "regions.Region.kind_corrected": NOT_PERSONAL,
    "regions.Region.kind_doubtful": NOT_PERSONAL,
    # ── accounts: the officials who use the system (real-name accounts, 一人一号) ───────────
    "accounts.User.id": NOT_PERSONAL,
    "accounts.User.password": PersonalField(
        CREDENTIAL, "身份鉴别：口令登录（GB/T 22239 8.1.4.1 a)）", SECURITY_DUTY
    ),
    "accounts.User.last_login": PersonalField(
        LOGIN, "安全管理：最近登录时间，发现长期不用或被冒用的账号", SECURITY_DUTY
    ),
    "accounts.User.is_superuser": NOT_PERSONAL,  # always false (SECURITY.md C2)
    "accounts.User.username": PersonalField(
        ACCOUNT, "登录与责任追溯：一人一个实名账号（SECURITY.md A1）", SECURITY_DUTY
    ),
    # Inherited from Django's AbstractUser; no code writes them, they stay empty (full_name is
    # the name). Listed so that a value appearing there is a finding, not a surprise.
    "accounts.User.first_name": PersonalField(
        NAME, "无：Django 内置用户模型继承的列，始终为空（姓名用 full_name）", NOT_COLLECTED
    ),
    "accounts.User.last_name": PersonalField(
        NAME, "无：Django 内置用户模型继承的列，始终为空（姓名用 full_name）", NOT_COLLECTED
    ),
    "accounts.User.email": PersonalField(
        EMAIL, "无：Django 内置用户模型继承的列，始终为空", NOT_COLLECTED
    ),
    "accounts.User.groups": PersonalField(
        WORK,
        "无：Django 内置的权限组（多对多），系统不用，始终为空（角色用 RoleGrant）",
        NOT_COLLECTED,
    ),
    "accounts.User.user_permissions": PersonalField(
        WORK,
        "无：Django 内置的单项权限（多对多），系统不用，始终为空（角色用 RoleGrant）",
        NOT_COLLECTED,
    ),
    "accounts.User.is_staff": NOT_PERSONAL,
    "accounts.User.is_active": NOT_PERSONAL,
    "accounts.User.date_joined": NOT_PERSONAL,
    "accounts.User.full_name": PersonalField(
        NAME,
        "实名账号：一人一号（SECURITY.md A1；GB/T 22239 8.1.4.2 c)）；页面和审计记录中显示经办人",
        SECURITY_DUTY,
    ),
    "accounts.User.phone": PersonalField(
        PHONE,
        "实名账号：核对一人一号（SECURITY.md A1），口令不得含手机号（A2）",
        SECURITY_DUTY,
    ),
    "accounts.User.region": PersonalField(
        WORK, "访问控制：账号的数据范围（SECURITY.md C3）", SECURITY_DUTY
    ),
    "accounts.User.must_change_password": NOT_PERSONAL,
    "accounts.User.password_changed_at": NOT_PERSONAL,
    "accounts.User.failed_logins": PersonalField(LOGIN, LOGIN_PURPOSE, SECURITY_DUTY),
    "accounts.User.last_failed_at": PersonalField(LOGIN, LOGIN_PURPOSE, SECURITY_DUTY),
    "accounts.User.locked_until": PersonalField(LOGIN, LOGIN_PURPOSE, SECURITY_DUTY),
    "accounts.RoleGrant.id": NOT_PERSONAL,
    "accounts.RoleGrant.user": PersonalField(
        STAFF, "访问控制：角色授予哪个账号（SECURITY.md C1）", SECURITY_DUTY
    ),
    "accounts.RoleGrant.role": PersonalField(
        WORK, "访问控制：账号的角色，三员分立（SECURITY.md C1）", SECURITY_DUTY
    ),
    "accounts.RoleGrant.department": PersonalField(
        WORK, "访问控制：联审人员所在部门", SECURITY_DUTY
    ),
    "accounts.RoleGrant.granted_at": NOT_PERSONAL,
    "accounts.PasswordHistory.id": NOT_PERSONAL,
    "accounts.PasswordHistory.user": PersonalField(
        STAFF, "口令策略：不得重复使用最近5个口令（SECURITY.md A2）", SECURITY_DUTY
    ),
    "accounts.PasswordHistory.password": PersonalField(
        CREDENTIAL, "口令策略：不得重复使用最近5个口令（SECURITY.md A2）", SECURITY_DUTY
    ),
    "accounts.PasswordHistory.created_at": NOT_PERSONAL,
    "accounts.UserSession.id": NOT_PERSONAL,
    "accounts.UserSession.user": PersonalField(
        STAFF, "会话管理：限制并发会话、改口令时结束其他会话（SECURITY.md S4、S5）", SECURITY_DUTY
    ),
    "accounts.UserSession.session_key": PersonalField(
        SESSION, "会话管理：限制并发会话、改口令时结束其他会话（SECURITY.md S4、S5）", SECURITY_DUTY
    ),
    "accounts.UserSession.created_at": PersonalField(
        LOGIN, "会话管理：会话开始时间（SECURITY.md S4、S5）", SECURITY_DUTY
    ),
    "accounts.AddressFailures.id": NOT_PERSONAL,
    "accounts.AddressFailures.address": PersonalField(
        IP, "防口令喷洒：每个来源地址10分钟内的登录失败次数（SECURITY.md A3）", SECURITY_DUTY
    ),
    "accounts.AddressFailures.window_start": NOT_PERSONAL,
    "accounts.AddressFailures.failures": NOT_PERSONAL,
    "accounts.RequestWindow.id": NOT_PERSONAL,
    "accounts.RequestWindow.user": PersonalField(
        STAFF, "防批量获取：每个账号每分钟访问个人信息页面的次数（SECURITY.md P6）", SECURITY_DUTY
    ),
    "accounts.RequestWindow.bucket": NOT_PERSONAL,
    "accounts.RequestWindow.window_start": NOT_PERSONAL,
    "accounts.RequestWindow.requests": NOT_PERSONAL,
    # ── audit: the append-only log; who did what to whom (voters appear as name + mask) ─────
    "audit.AuditEvent.id": NOT_PERSONAL,
    "audit.AuditEvent.at": NOT_PERSONAL,
    "audit.AuditEvent.user_id": PersonalField(STAFF, AUDIT_PURPOSE, SECURITY_DUTY),
    "audit.AuditEvent.username": PersonalField(ACCOUNT, AUDIT_PURPOSE, SECURITY_DUTY),
    "audit.AuditEvent.role": PersonalField(WORK, AUDIT_PURPOSE, SECURITY_DUTY),
    "audit.AuditEvent.scope": PersonalField(WORK, AUDIT_PURPOSE, SECURITY_DUTY),
    "audit.AuditEvent.ip": PersonalField(IP, AUDIT_PURPOSE, SECURITY_DUTY),
    "audit.AuditEvent.request_id": NOT_PERSONAL,
    "audit.AuditEvent.action": NOT_PERSONAL,
    "audit.AuditEvent.object_type": NOT_PERSONAL,
    "audit.AuditEvent.object_id": PersonalField(LINK, AUDIT_PURPOSE, SECURITY_DUTY),
    "audit.AuditEvent.object_repr": PersonalField(
        FREE_TEXT, "安全审计：被操作对象的名称（人员为姓名和掩码身份证号）", SECURITY_DUTY
    ),
    "audit.AuditEvent.changes": PersonalField(
        FREE_TEXT, "安全审计：变更前后的值", SECURITY_DUTY, sensitive=True
    ),
    "audit.AuditEvent.outcome": NOT_PERSONAL,
    "audit.AuditEvent.message": PersonalField(
        FREE_TEXT,
        "安全审计：事件说明，如查看完整身份证号时填写的理由（其中的号码已掩码）",
        SECURITY_DUTY,
    ),
    "audit.AuditEvent.prev_hash": NOT_PERSONAL,
    "audit.AuditEvent.row_hash": NOT_PERSONAL,
    # ── people: one record per real person, the facts the roll is built from ────────────────
    "people.Person.id": NOT_PERSONAL,
    "people.Person.id_cipher": PersonalField(
        ID_CIPHER,
        f"选民登记：识别本人、与户籍名册核对；县级经授权逐人查看（SECURITY.md P4）（{VC}第十六条）",
        DUTY,
        sensitive=True,
    ),
    "people.Person.id_hash": PersonalField(
        ID_HASH,
        f"选民登记：按身份证号查找本人，防止一人在一届中重复登记（{VC}第十六条）",
        DUTY,
        sensitive=True,
    ),
    "people.Person.id_masked": PersonalField(
        ID_MASKED,
        "选民登记：页面、名单和导出中辨认本人而不显示完整号码（SECURITY.md P3）",
        DUTY,
        sensitive=True,
    ),
    "people.Person.name": PersonalField(
        NAME, f"选民登记：选民名单登记和公布姓名（{VC}第十六条、第十七条）", DUTY
    ),
    "people.Person.sex": PersonalField(
        SEX,
        f"选民登记：与身份证号核对；村民委员会成员中应当有妇女成员（{VC}第八条）",
        DUTY,
    ),
    "people.Person.birth_date": PersonalField(
        BIRTH, f"选民资格：选举日年满十八周岁（{VC}第十六条）；与身份证号核对", DUTY
    ),
    "people.Person.ethnicity": PersonalField(
        ETHNICITY,
        f"选民登记表项目；多民族村的村民委员会应当有人数较少的民族的成员（{VC}第八条）。"
        "系统尚无按民族的核对，必要性待影响评估确认",
        DUTY,
    ),
    "people.Person.region": PersonalField(
        HUKOU, f"选民资格：户籍所在村（社区）决定登记的村和登记类别（{VC}第十六条）", DUTY
    ),
    "people.Person.group_name": PersonalField(GROUP, GROUP_PURPOSE, DUTY),
    "people.Person.household_no": PersonalField(
        HOUSEHOLD, "选民登记：名单按户排列，与户籍名册核对", DUTY
    ),
    "people.Person.died_on": PersonalField(
        DEATH, f"选民资格：死亡的从选民名单中除名（{VC}第十六条、第十七条）", DUTY
    ),
    "people.Person.rights_deprived_from": PersonalField(
        DEPRIVATION, DEPRIVED_PURPOSE, DUTY, sensitive=True
    ),
    "people.Person.rights_deprived_until": PersonalField(
        DEPRIVATION, DEPRIVED_PURPOSE, DUTY, sensitive=True
    ),
    "people.Person.created_at": NOT_PERSONAL,
    "people.Person.erased_on": NOT_PERSONAL,  # the day the retention purge erased the row (P7)
    **_upload_job("people.PersonChangeImport"),
    "people.PersonChangeImport.applied": NOT_PERSONAL,
    "people.PersonChangeImport.unchanged": NOT_PERSONAL,
    "people.PersonChangeImport.removed": NOT_PERSONAL,
    "people.PersonChangeImport.flagged": NOT_PERSONAL,
    "people.PersonStatusChange.id": NOT_PERSONAL,
    "people.PersonStatusChange.person": PersonalField(
        LINK, "选民资格：死亡、剥夺或恢复政治权利的变动属于哪个人", DUTY
    ),
    "people.PersonStatusChange.kind": PersonalField(
        ELIGIBILITY, DEPRIVED_PURPOSE, DUTY, sensitive=True
    ),
    "people.PersonStatusChange.changed_on": PersonalField(
        ELIGIBILITY, DEPRIVED_PURPOSE, DUTY, sensitive=True
    ),
    "people.PersonStatusChange.until": PersonalField(
        ELIGIBILITY, DEPRIVED_PURPOSE, DUTY, sensitive=True
    ),
    "people.PersonStatusChange.source": PersonalField(
        FREE_TEXT, "变动的依据（通知名称、文号），供核查", DUTY, sensitive=True
    ),
    "people.PersonStatusChange.region": NOT_PERSONAL,  # the recording unit (scope)
    "people.PersonStatusChange.batch": NOT_PERSONAL,
    "people.PersonStatusChange.removed": NOT_PERSONAL,
    "people.PersonStatusChange.flagged": NOT_PERSONAL,
    "people.PersonStatusChange.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "people.PersonStatusChange.created_at": NOT_PERSONAL,
    "people.PersonStatusChange.previous_died_on": PersonalField(
        DEATH, "更正误录的变动时恢复原值", DUTY
    ),
    "people.PersonStatusChange.previous_deprived_from": PersonalField(
        DEPRIVATION, "更正误录的变动时恢复原值", DUTY, sensitive=True
    ),
    "people.PersonStatusChange.previous_deprived_until": PersonalField(
        DEPRIVATION, "更正误录的变动时恢复原值", DUTY, sensitive=True
    ),
    "people.PersonStatusChange.corrected_at": NOT_PERSONAL,
    "people.PersonStatusChange.corrected_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "people.PersonStatusChange.correction_reason": PersonalField(
        FREE_TEXT, "说明更正误录变动的原因（责任追溯）", DUTY
    ),
    # ── elections: campaigns and the villages they take in; no people but their creators ────
    "elections.Campaign.id": NOT_PERSONAL,
    "elections.Campaign.name": NOT_PERSONAL,
    "elections.Campaign.term_number": NOT_PERSONAL,
    "elections.Campaign.region": NOT_PERSONAL,
    "elections.Campaign.rule_province": NOT_PERSONAL,
    "elections.Campaign.rule_profile": NOT_PERSONAL,
    "elections.Campaign.window_start": NOT_PERSONAL,
    "elections.Campaign.window_end": NOT_PERSONAL,
    "elections.Campaign.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "elections.Campaign.created_at": NOT_PERSONAL,
    "elections.Campaign.retention_until": NOT_PERSONAL,
    "elections.Campaign.personal_data_purged_on": NOT_PERSONAL,
    "elections.RuleProfile.id": NOT_PERSONAL,
    "elections.RuleProfile.region": NOT_PERSONAL,
    "elections.RuleProfile.name": NOT_PERSONAL,
    "elections.RuleProfile.law": NOT_PERSONAL,
    "elections.RuleProfile.measure": NOT_PERSONAL,
    "elections.RuleProfile.version": NOT_PERSONAL,
    "elections.RuleProfile.parameters": NOT_PERSONAL,
    "elections.RuleProfile.published_at": NOT_PERSONAL,
    "elections.RuleProfile.frozen_at": NOT_PERSONAL,
    "elections.RuleProfile.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "elections.RuleProfile.created_at": NOT_PERSONAL,
    "elections.CampaignVillage.id": NOT_PERSONAL,
    "elections.CampaignVillage.campaign": NOT_PERSONAL,
    "elections.CampaignVillage.region": NOT_PERSONAL,
    "elections.CampaignVillage.included": NOT_PERSONAL,
    "elections.CampaignVillage.exclusion_reason": PersonalField(
        FREE_TEXT, "说明村（社区）不纳入本次换届的原因；通常不含个人信息", DUTY
    ),
    "elections.CampaignVillage.election_date": NOT_PERSONAL,
    # ── voters: the roll of each village, its publication, objections, proxies, imports ────
    "voters.VoterRegistration.id": NOT_PERSONAL,
    "voters.VoterRegistration.campaign": NOT_PERSONAL,
    "voters.VoterRegistration.village": PersonalField(REGISTRATION, REGISTERED_VILLAGE, DUTY),
    "voters.VoterRegistration.person": PersonalField(LINK, REGISTERED_VILLAGE, DUTY),
    "voters.VoterRegistration.category": PersonalField(REGISTRATION, CATEGORY_PURPOSE, DUTY),
    "voters.VoterRegistration.group_name": PersonalField(GROUP, GROUP_PURPOSE, DUTY),
    "voters.VoterRegistration.active": PersonalField(
        REGISTRATION, "选民登记：是否在册（除名的登记留档）", DUTY
    ),
    "voters.VoterRegistration.added_reason": PersonalField(
        REGISTRATION, ROLL_CHANGE_PURPOSE, DUTY, sensitive=True
    ),
    "voters.VoterRegistration.removed_reason": PersonalField(
        REGISTRATION, ROLL_CHANGE_PURPOSE, DUTY, sensitive=True
    ),
    "voters.VoterRegistration.flag": PersonalField(
        FREE_TEXT,
        "待核实的问题（如登记后死亡、被剥夺政治权利），由经办人核实后处理",
        DUTY,
        sensitive=True,
    ),
    "voters.VoterRegistration.created_at": NOT_PERSONAL,
    "voters.RegistrationConflict.id": NOT_PERSONAL,
    "voters.RegistrationConflict.campaign": NOT_PERSONAL,
    "voters.RegistrationConflict.person": PersonalField(LINK, CONFLICT_PURPOSE, DUTY),
    "voters.RegistrationConflict.first": PersonalField(LINK, CONFLICT_PURPOSE, DUTY),
    "voters.RegistrationConflict.village": PersonalField(REGISTRATION, CONFLICT_PURPOSE, DUTY),
    "voters.RegistrationConflict.category": PersonalField(REGISTRATION, CONFLICT_PURPOSE, DUTY),
    "voters.RegistrationConflict.group_name": PersonalField(GROUP, CONFLICT_PURPOSE, DUTY),
    "voters.RegistrationConflict.source": PersonalField(
        FREE_TEXT, "重复登记的来源（导入文件或手工登记），供县级处理", DUTY
    ),
    "voters.RegistrationConflict.status": NOT_PERSONAL,
    "voters.RegistrationConflict.resolved_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "voters.RegistrationConflict.resolved_at": NOT_PERSONAL,
    "voters.RegistrationConflict.note": PersonalField(FREE_TEXT, "重复登记的处理说明", DUTY),
    "voters.RegistrationConflict.created_at": NOT_PERSONAL,
    "voters.VoterListPublication.id": NOT_PERSONAL,
    "voters.VoterListPublication.campaign": NOT_PERSONAL,
    "voters.VoterListPublication.village": NOT_PERSONAL,
    "voters.VoterListPublication.version": NOT_PERSONAL,
    "voters.VoterListPublication.published_on": NOT_PERSONAL,
    "voters.VoterListPublication.election_date": NOT_PERSONAL,
    "voters.VoterListPublication.objection_deadline": NOT_PERSONAL,
    "voters.VoterListPublication.snapshot": PersonalField(
        VOTER_LIST,
        f"选民名单公布：选举日二十日前张榜公布的名单，只有姓名和村民小组（{VC}第十七条）",
        DUTY,
    ),
    "voters.VoterListPublication.voters": NOT_PERSONAL,
    "voters.VoterListPublication.changes": PersonalField(
        VOTER_LIST, f"补正榜：申诉成立后公布的增加、删除、更正及原因（{VC}第十七条）", DUTY
    ),
    "voters.VoterListPublication.published_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "voters.VoterListPublication.created_at": NOT_PERSONAL,
    "voters.Objection.id": NOT_PERSONAL,
    "voters.Objection.publication": NOT_PERSONAL,
    "voters.Objection.filer_name": PersonalField(
        NAME, f"选民名单申诉：申诉人（{VC}第十七条）", DUTY
    ),
    "voters.Objection.subject_name": PersonalField(
        NAME, f"选民名单申诉：申诉涉及的人员（{VC}第十七条）", DUTY
    ),
    "voters.Objection.subject": PersonalField(
        LINK, f"选民名单申诉：申诉涉及的人员（{VC}第十七条）", DUTY
    ),
    "voters.Objection.kind": PersonalField(OBJECTION, OBJECTION_PURPOSE, DUTY),
    "voters.Objection.detail": PersonalField(
        FREE_TEXT, f"选民名单申诉：申诉内容（{VC}第十七条）", DUTY, sensitive=True
    ),
    "voters.Objection.filed_on": NOT_PERSONAL,
    "voters.Objection.received_on": NOT_PERSONAL,
    "voters.Objection.decision_due": NOT_PERSONAL,
    "voters.Objection.outcome": PersonalField(OBJECTION, OBJECTION_PURPOSE, DUTY),
    "voters.Objection.decided_on": NOT_PERSONAL,
    "voters.Objection.decision": PersonalField(
        FREE_TEXT, f"选民名单申诉：处理意见（{VC}第十七条）", DUTY, sensitive=True
    ),
    "voters.Objection.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "voters.Objection.created_at": NOT_PERSONAL,
    "voters.Proxy.id": NOT_PERSONAL,
    "voters.Proxy.campaign": NOT_PERSONAL,
    "voters.Proxy.village": NOT_PERSONAL,  # the village the proxy is filed in (scope)
    "voters.Proxy.principal": PersonalField(LINK, PROXY_PURPOSE, DUTY),
    "voters.Proxy.holder": PersonalField(LINK, PROXY_PURPOSE, DUTY),
    "voters.Proxy.relation": PersonalField(RELATION, RELATION_PURPOSE, DUTY),
    "voters.Proxy.close_relative": PersonalField(RELATION, RELATION_PURPOSE, DUTY),
    "voters.Proxy.filed_on": NOT_PERSONAL,
    "voters.Proxy.written": NOT_PERSONAL,
    "voters.Proxy.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "voters.Proxy.created_at": NOT_PERSONAL,
    "voters.Proxy.withdrawn_on": NOT_PERSONAL,
    "voters.Proxy.withdrawal_reason": PersonalField(
        FREE_TEXT, "委托投票：委托人撤销委托的原因", DUTY
    ),
    "voters.Proxy.withdrawn_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    **_upload_job("voters.ImportJob"),
    "voters.ImportJob.campaign": NOT_PERSONAL,
    "voters.ImportJob.accepted": NOT_PERSONAL,
    "voters.ImportJob.unchanged": NOT_PERSONAL,
    "voters.PersonStatusEffect.id": NOT_PERSONAL,
    "voters.PersonStatusEffect.change": PersonalField(
        LINK, "更正误录的变动时，准确撤销它对选民登记的影响", DUTY
    ),
    "voters.PersonStatusEffect.registration": PersonalField(
        LINK, "更正误录的变动时，准确撤销它对选民登记的影响", DUTY
    ),
    "voters.PersonStatusEffect.effect": PersonalField(REGISTRATION, ROLL_CHANGE_PURPOSE, DUTY),
    "voters.PersonStatusEffect.text": PersonalField(
        FREE_TEXT, "变动加在选民登记上的除名原因或待核实说明", DUTY, sensitive=True
    ),
    # ── party: village Party organisations, members and the members' meeting ───────────────
    "party.PartyBranch.id": NOT_PERSONAL,
    "party.PartyBranch.village": NOT_PERSONAL,
    "party.PartyBranch.name": NOT_PERSONAL,
    "party.PartyBranch.kind": NOT_PERSONAL,
    "party.PartyBranch.created_at": NOT_PERSONAL,
    "party.PartyMember.id": NOT_PERSONAL,
    "party.PartyMember.branch": PersonalField(
        PARTY, f"党员大会：党员所在的党组织（{PARTY_RULES}第五条）", PARTY_DUTY
    ),
    "party.PartyMember.person": PersonalField(LINK, MEMBER_VOTE, PARTY_DUTY),
    "party.PartyMember.status": PersonalField(PARTY, MEMBER_VOTE, PARTY_DUTY, sensitive=True),
    "party.PartyMember.flowing": PersonalField(
        PARTY, "党员大会应到会人数：流动党员登记后计入", PARTY_DUTY
    ),
    "party.PartyMember.joined_on": PersonalField(
        PARTY, "党员名册项目：入党日期，核对预备期（预备党员没有表决权）", PARTY_DUTY
    ),
    "party.PartyMember.created_at": NOT_PERSONAL,
    "party.MemberRegistration.id": NOT_PERSONAL,
    "party.MemberRegistration.campaign": NOT_PERSONAL,
    "party.MemberRegistration.member": PersonalField(LINK, MEMBER_REGISTRATION, PARTY_DUTY),
    "party.MemberRegistration.registered": PersonalField(
        PARTY_REGISTRATION, MEMBER_REGISTRATION, PARTY_DUTY
    ),
    "party.MemberRegistration.registered_on": PersonalField(
        PARTY_REGISTRATION, MEMBER_REGISTRATION, PARTY_DUTY
    ),
    "party.MemberRegistration.exclusion": PersonalField(
        "不计入应到会人数的理由（可含健康状况、服刑、被留置或逮捕）",
        QUORUM_EXCLUSION,
        PARTY_DUTY,
        sensitive=True,
    ),
    "party.MemberRegistration.exclusion_note": PersonalField(
        FREE_TEXT, QUORUM_EXCLUSION, PARTY_DUTY, sensitive=True
    ),
    "party.MemberRegistration.approved": PersonalField(
        PARTY_REGISTRATION, QUORUM_EXCLUSION, PARTY_DUTY
    ),
    "party.MemberRegistration.updated_at": NOT_PERSONAL,
    **_upload_job("party.PartyRollImport"),
    "party.PartyRollImport.campaign": NOT_PERSONAL,
    "party.PartyRollImport.added": NOT_PERSONAL,
    "party.PartyRollImport.updated": NOT_PERSONAL,
    "party.PartyRollImport.unchanged": NOT_PERSONAL,
    # ── elections: each body's election in a village, its posts and seats ──────────────────
    "elections.Election.id": NOT_PERSONAL,
    "elections.Election.village": NOT_PERSONAL,
    "elections.Election.body": NOT_PERSONAL,
    "elections.Election.nomination_method": NOT_PERSONAL,
    "elections.Election.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "elections.Election.created_at": NOT_PERSONAL,
    "elections.ElectionPost.id": NOT_PERSONAL,
    "elections.ElectionPost.election": NOT_PERSONAL,
    "elections.ElectionPost.post": NOT_PERSONAL,
    "elections.ElectionPost.seats": NOT_PERSONAL,
    # ── nomination: the nominees of each election and the history of their stages ─────────
    "nomination.Nominee.id": NOT_PERSONAL,
    "nomination.Nominee.election": PersonalField(CANDIDACY, NOMINATION_PURPOSE, DUTY),
    "nomination.Nominee.post": PersonalField(CANDIDACY, NOMINATION_PURPOSE, DUTY),
    "nomination.Nominee.person": PersonalField(LINK, NOMINATION_PURPOSE, DUTY),
    "nomination.Nominee.how_nominated": PersonalField(CANDIDACY, NOMINATION_PURPOSE, DUTY),
    "nomination.Nominee.stage": PersonalField(CANDIDACY, NOMINATION_PURPOSE, DUTY),
    "nomination.Nominee.order": PersonalField(
        CANDIDACY, f"提名顺序：委员会成员退出后按原顺序依次递补（{VC}第十五条）", DUTY
    ),
    "nomination.Nominee.member_votes": PersonalField(CANDIDACY, RECOMMENDATION_PURPOSE, PARTY_DUTY),
    "nomination.Nominee.mass_votes": PersonalField(CANDIDACY, RECOMMENDATION_PURPOSE, PARTY_DUTY),
    "nomination.Nominee.committee_votes": PersonalField(
        CANDIDACY, RECOMMENDATION_PURPOSE, PARTY_DUTY
    ),
    "nomination.Nominee.barred": PersonalField(
        QUALIFICATION, QUALIFICATION_PURPOSE, DUTY, sensitive=True
    ),
    "nomination.Nominee.disqualified_reason": PersonalField(
        FREE_TEXT, QUALIFICATION_PURPOSE, DUTY, sensitive=True
    ),
    "nomination.Nominee.withdrawn_reason": PersonalField(
        FREE_TEXT, "提名人选退出的原因（本人退出、选举委员会成员回避等）", DUTY
    ),
    "nomination.Nominee.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.Nominee.created_at": NOT_PERSONAL,
    "nomination.NomineeHistory.id": NOT_PERSONAL,
    "nomination.NomineeHistory.nominee": PersonalField(LINK, NOMINATION_PURPOSE, DUTY),
    "nomination.NomineeHistory.from_stage": PersonalField(CANDIDACY, NOMINATION_PURPOSE, DUTY),
    "nomination.NomineeHistory.to_stage": PersonalField(CANDIDACY, NOMINATION_PURPOSE, DUTY),
    "nomination.NomineeHistory.reason": PersonalField(
        FREE_TEXT, "阶段变动的说明（可含资格审查结论）", DUTY, sensitive=True
    ),
    "nomination.NomineeHistory.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.NomineeHistory.at": NOT_PERSONAL,
    # ── nomination: 两述, 公示 and its objections, the formal candidate lists, imports ────────
    "nomination.Statement.id": NOT_PERSONAL,
    "nomination.Statement.nominee": PersonalField(LINK, STATEMENT_PURPOSE, PARTY_DUTY),
    "nomination.Statement.held_on": NOT_PERSONAL,
    "nomination.Statement.place": NOT_PERSONAL,  # a place or a meeting
    "nomination.Statement.summary": PersonalField(
        FREE_TEXT_REDACTED, STATEMENT_PURPOSE, PARTY_DUTY
    ),
    "nomination.Statement.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.Statement.recorded_at": NOT_PERSONAL,
    "nomination.StatementQuestion.id": NOT_PERSONAL,
    "nomination.StatementQuestion.statement": PersonalField(LINK, STATEMENT_PURPOSE, PARTY_DUTY),
    "nomination.StatementQuestion.position": NOT_PERSONAL,
    "nomination.StatementQuestion.question": PersonalField(
        FREE_TEXT_REDACTED, STATEMENT_PURPOSE, PARTY_DUTY
    ),
    "nomination.StatementQuestion.asked_by": PersonalField(
        FREE_TEXT_REDACTED, "两述：提问人（姓名或身份，如“党员代表”）", PARTY_DUTY
    ),
    "nomination.StatementQuestion.answer": PersonalField(
        FREE_TEXT_REDACTED, STATEMENT_PURPOSE, PARTY_DUTY
    ),
    "nomination.Publicity.id": NOT_PERSONAL,
    "nomination.Publicity.election": NOT_PERSONAL,
    "nomination.Publicity.post": NOT_PERSONAL,
    "nomination.Publicity.subject": NOT_PERSONAL,
    "nomination.Publicity.starts_on": NOT_PERSONAL,
    "nomination.Publicity.ends_on": NOT_PERSONAL,
    "nomination.Publicity.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.Publicity.created_at": NOT_PERSONAL,
    "nomination.PublicityObjection.id": NOT_PERSONAL,
    "nomination.PublicityObjection.publicity": NOT_PERSONAL,
    "nomination.PublicityObjection.received_on": NOT_PERSONAL,
    "nomination.PublicityObjection.from_name": PersonalField(
        NAME, f"候选人公示：反映问题的人（{VC}第十八条；本省选举办法）", DUTY
    ),
    "nomination.PublicityObjection.content": PersonalField(
        FREE_TEXT_REDACTED, PUBLICITY_PURPOSE, DUTY, sensitive=True
    ),
    "nomination.PublicityObjection.nominee": PersonalField(LINK, PUBLICITY_PURPOSE, DUTY),
    "nomination.PublicityObjection.decision": PersonalField(
        PUBLICITY_OBJECTION, PUBLICITY_PURPOSE, DUTY
    ),
    "nomination.PublicityObjection.decision_note": PersonalField(
        FREE_TEXT_REDACTED, PUBLICITY_PURPOSE, DUTY, sensitive=True
    ),
    "nomination.PublicityObjection.decided_on": NOT_PERSONAL,
    "nomination.PublicityObjection.decided_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.PublicityObjection.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.PublicityObjection.recorded_at": NOT_PERSONAL,
    "nomination.CandidateList.id": NOT_PERSONAL,
    "nomination.CandidateList.post": NOT_PERSONAL,
    "nomination.CandidateList.status": NOT_PERSONAL,
    "nomination.CandidateList.order": NOT_PERSONAL,  # by strokes or by votes, for the whole list
    "nomination.CandidateList.order_basis": NOT_PERSONAL,  # the rule's text, no person
    "nomination.CandidateList.seats": NOT_PERSONAL,
    "nomination.CandidateList.surplus_basis": NOT_PERSONAL,  # the article applied
    "nomination.CandidateList.fixed_on": NOT_PERSONAL,
    "nomination.CandidateList.fixed_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.CandidateListEntry.id": NOT_PERSONAL,
    "nomination.CandidateListEntry.candidate_list": NOT_PERSONAL,
    "nomination.CandidateListEntry.nominee": PersonalField(LINK, LIST_PURPOSE, DUTY),
    "nomination.CandidateListEntry.position": PersonalField(CANDIDACY, LIST_PURPOSE, DUTY),
    "nomination.CandidateListEntry.fills": PersonalField(
        LINK, f"正式候选人退出后由谁递补（{VC}第十八条）", DUTY
    ),
    "nomination.CandidateListHistory.id": NOT_PERSONAL,
    "nomination.CandidateListHistory.candidate_list": NOT_PERSONAL,
    "nomination.CandidateListHistory.event": NOT_PERSONAL,  # fixed, filled, unfixed: the list's
    "nomination.CandidateListHistory.reason": PersonalField(
        FREE_TEXT_REDACTED, "名单变动的说明（可含候选人退出的原因）", DUTY
    ),
    "nomination.CandidateListHistory.names": PersonalField(
        CANDIDATE_NAMES, f"名单变动后的正式候选人姓名，公布的名单留档（{VC}第十八条）", DUTY
    ),
    "nomination.CandidateListHistory.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "nomination.CandidateListHistory.at": NOT_PERSONAL,
    **_upload_job("nomination.NomineeImport"),
    "nomination.NomineeImport.campaign": NOT_PERSONAL,
    "nomination.NomineeImport.added": NOT_PERSONAL,
    # ── committees: each village's election committee, its members and their changes ────────
    "committees.ElectionCommittee.id": NOT_PERSONAL,
    "committees.ElectionCommittee.village": NOT_PERSONAL,
    "committees.ElectionCommittee.chosen_on": NOT_PERSONAL,
    "committees.ElectionCommittee.chosen_by": NOT_PERSONAL,  # which meeting chose it
    "committees.ElectionCommittee.seats": NOT_PERSONAL,
    "committees.ElectionCommittee.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "committees.ElectionCommittee.created_at": NOT_PERSONAL,
    "committees.ElectionCommitteeMember.id": NOT_PERSONAL,
    "committees.ElectionCommitteeMember.committee": NOT_PERSONAL,
    "committees.ElectionCommitteeMember.person": PersonalField(LINK, COMMITTEE_PURPOSE, DUTY),
    "committees.ElectionCommitteeMember.role": PersonalField(COMMITTEE, COMMITTEE_PURPOSE, DUTY),
    "committees.ElectionCommitteeMember.votes": PersonalField(COMMITTEE, COMMITTEE_PURPOSE, DUTY),
    "committees.ElectionCommitteeMember.order": PersonalField(
        COMMITTEE, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeMember.status": PersonalField(
        COMMITTEE, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeMember.withdrawal_kind": PersonalField(
        COMMITTEE, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeMember.withdrawn_reason": PersonalField(
        FREE_TEXT, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeMember.withdrawn_at": NOT_PERSONAL,
    "committees.ElectionCommitteeMember.withdrawn_for": PersonalField(
        LINK, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeMember.replaced_by": PersonalField(
        LINK, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeHistory.id": NOT_PERSONAL,
    "committees.ElectionCommitteeHistory.committee": NOT_PERSONAL,
    "committees.ElectionCommitteeHistory.member": PersonalField(LINK, COMMITTEE_WITHDRAWAL, DUTY),
    "committees.ElectionCommitteeHistory.event": PersonalField(
        COMMITTEE, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeHistory.from_status": PersonalField(
        COMMITTEE, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeHistory.to_status": PersonalField(
        COMMITTEE, COMMITTEE_WITHDRAWAL, DUTY
    ),
    "committees.ElectionCommitteeHistory.reason": PersonalField(
        FREE_TEXT, "选举委员会变动的说明（可含成员退出的原因）", DUTY
    ),
    "committees.ElectionCommitteeHistory.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "committees.ElectionCommitteeHistory.at": NOT_PERSONAL,
    # ── review: the qualification joint review; its findings are criminal-record data ──────
    "review.ReviewDepartment.id": NOT_PERSONAL,
    "review.ReviewDepartment.campaign": NOT_PERSONAL,
    "review.ReviewDepartment.department": NOT_PERSONAL,
    "review.ReviewDepartment.name": NOT_PERSONAL,
    "review.ReviewDepartment.active": NOT_PERSONAL,
    "review.ReviewDepartment.order": NOT_PERSONAL,
    "review.DisqualifyingCondition.id": NOT_PERSONAL,
    "review.DisqualifyingCondition.campaign": NOT_PERSONAL,
    "review.DisqualifyingCondition.text": NOT_PERSONAL,
    "review.DisqualifyingCondition.kind": NOT_PERSONAL,
    "review.DisqualifyingCondition.lookback_years": NOT_PERSONAL,
    "review.DisqualifyingCondition.departments": NOT_PERSONAL,
    "review.DisqualifyingCondition.bar": NOT_PERSONAL,
    "review.DisqualifyingCondition.active": NOT_PERSONAL,
    "review.DisqualifyingCondition.number": NOT_PERSONAL,
    "review.ReviewBatch.id": NOT_PERSONAL,
    "review.ReviewBatch.campaign": NOT_PERSONAL,
    "review.ReviewBatch.number": NOT_PERSONAL,
    "review.ReviewBatch.sent_on": NOT_PERSONAL,
    "review.ReviewBatch.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "review.ReviewBatch.created_at": NOT_PERSONAL,
    "review.Review.id": NOT_PERSONAL,
    "review.Review.campaign": NOT_PERSONAL,
    "review.Review.nominee": PersonalField(LINK, REVIEW_PURPOSE, DUTY),
    "review.Review.person": PersonalField(LINK, REVIEW_PURPOSE, DUTY),
    "review.Review.village": NOT_PERSONAL,  # the nominee's village (scope)
    "review.Review.state": PersonalField(QUALIFICATION, REVIEW_PURPOSE, DUTY, sensitive=True),
    "review.Review.batch": NOT_PERSONAL,  # which batch (第N批) it was sent in
    "review.Review.fingerprint": PersonalField(FINGERPRINT, REUSE_PURPOSE, DUTY, sensitive=True),
    "review.Review.reused_from": PersonalField(LINK, REUSE_PURPOSE, DUTY),
    "review.Review.conclusion": PersonalField(FREE_TEXT, REVIEW_PURPOSE, DUTY, sensitive=True),
    "review.Review.created_at": NOT_PERSONAL,
    "review.ReviewHistory.id": NOT_PERSONAL,
    "review.ReviewHistory.review": PersonalField(LINK, REVIEW_PURPOSE, DUTY),
    "review.ReviewHistory.from_state": PersonalField(
        QUALIFICATION, REVIEW_PURPOSE, DUTY, sensitive=True
    ),
    "review.ReviewHistory.to_state": PersonalField(
        QUALIFICATION, REVIEW_PURPOSE, DUTY, sensitive=True
    ),
    "review.ReviewHistory.reason": PersonalField(
        FREE_TEXT, "资格审查每一步的说明（可含审查发现的情形）", DUTY, sensitive=True
    ),
    "review.ReviewHistory.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "review.ReviewHistory.at": NOT_PERSONAL,
    "review.ReviewAssignment.id": NOT_PERSONAL,
    "review.ReviewAssignment.review": PersonalField(LINK, REVIEW_PURPOSE, DUTY),
    "review.ReviewAssignment.department": NOT_PERSONAL,
    "review.ReviewAssignment.answered_at": NOT_PERSONAL,
    "review.ReviewFinding.id": NOT_PERSONAL,
    "review.ReviewFinding.assignment": PersonalField(LINK, REVIEW_PURPOSE, DUTY),
    "review.ReviewFinding.condition": PersonalField(
        REVIEW_FINDING, REVIEW_PURPOSE, DUTY, sensitive=True
    ),
    "review.ReviewFinding.found": PersonalField(
        REVIEW_FINDING, REVIEW_PURPOSE, DUTY, sensitive=True
    ),
    "review.ReviewFinding.note": PersonalField(
        FREE_TEXT, "联审部门对存在的情形的说明（如判决、处分的名称和时间）", DUTY, sensitive=True
    ),
    "review.ReviewFinding.attachment_name": PersonalField(
        FREE_TEXT, "联审附件的原名，供经办人辨认", DUTY, sensitive=True
    ),
    "review.ReviewFinding.attachment_path": PersonalField(
        ATTACHMENT, "联审部门出具的证明材料（如判决书、处分决定）", DUTY, sensitive=True
    ),
    "review.ReviewFinding.attachment_sha256": NOT_PERSONAL,
    "review.ReviewFinding.answered_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "review.ReviewFinding.answered_at": NOT_PERSONAL,
    **_upload_job("review.ReviewLedgerImport"),
    "review.ReviewLedgerImport.campaign": NOT_PERSONAL,
    "review.ReviewLedgerImport.department": NOT_PERSONAL,  # the department answering
    "review.ReviewLedgerImport.answered": NOT_PERSONAL,
    "review.ReviewLedgerImport.found": NOT_PERSONAL,
    # polls
    "polls.Poll.id": NOT_PERSONAL,
    "polls.Poll.election": NOT_PERSONAL,
    "polls.Poll.number": NOT_PERSONAL,
    "polls.Poll.kind": NOT_PERSONAL,
    "polls.Poll.status": NOT_PERSONAL,
    "polls.Poll.rehearsal": NOT_PERSONAL,
    "polls.Poll.follows": NOT_PERSONAL,
    "polls.Poll.held_on": NOT_PERSONAL,
    "polls.Poll.mode": NOT_PERSONAL,
    "polls.Poll.committee_seats": NOT_PERSONAL,
    "polls.Poll.electorate": NOT_PERSONAL,
    "polls.Poll.usual_turnout": NOT_PERSONAL,
    "polls.Poll.usual_invalid": NOT_PERSONAL,
    "polls.Poll.note": NOT_PERSONAL,  # the system's note on why the poll follows another
    "polls.Poll.engine_input": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.Poll.engine_output": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.Poll.engine_hash": NOT_PERSONAL,
    "polls.Poll.closed_at": NOT_PERSONAL,
    "polls.Poll.closed_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.Poll.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.Poll.created_at": NOT_PERSONAL,
    "polls.PollPost.id": NOT_PERSONAL,
    "polls.PollPost.poll": NOT_PERSONAL,
    "polls.PollPost.post": NOT_PERSONAL,
    "polls.PollPost.seats": NOT_PERSONAL,
    "polls.PollPost.women_only": NOT_PERSONAL,
    "polls.PollPost.position": NOT_PERSONAL,
    "polls.PollCandidate.id": NOT_PERSONAL,
    "polls.PollCandidate.poll_post": PersonalField(CANDIDACY, POLL_PURPOSE, DUTY),
    "polls.PollCandidate.person": PersonalField(LINK, POLL_PURPOSE, DUTY),
    "polls.PollCandidate.name": PersonalField(NAME, POLL_PURPOSE, DUTY),
    "polls.PollCandidate.sex": PersonalField(SEX, POLL_PURPOSE, DUTY),
    "polls.PollCandidate.position": PersonalField(CANDIDACY, POLL_PURPOSE, DUTY),
    "polls.PollCandidate.initials": PersonalField(NAME, POLL_PURPOSE, DUTY),
    "polls.PollHistory.id": NOT_PERSONAL,
    "polls.PollHistory.poll": NOT_PERSONAL,
    "polls.PollHistory.from_status": NOT_PERSONAL,
    "polls.PollHistory.to_status": NOT_PERSONAL,
    "polls.PollHistory.reason": PersonalField(FREE_TEXT, POLL_PURPOSE, DUTY),
    "polls.PollHistory.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.PollHistory.at": NOT_PERSONAL,
    "polls.BallotBox.id": NOT_PERSONAL,
    "polls.BallotBox.poll": NOT_PERSONAL,
    "polls.BallotBox.name": NOT_PERSONAL,
    "polls.BallotBox.place": NOT_PERSONAL,
    "polls.BallotBox.mobile": NOT_PERSONAL,
    "polls.BallotBox.route": NOT_PERSONAL,
    "polls.BallotBox.issued": NOT_PERSONAL,
    "polls.BallotBox.serial_from": NOT_PERSONAL,
    "polls.BallotBox.serial_to": NOT_PERSONAL,
    "polls.BallotBox.position": NOT_PERSONAL,
    "polls.MobileBoxVoter.id": NOT_PERSONAL,
    "polls.MobileBoxVoter.box": PersonalField(PARTICIPATION, MOBILE_PURPOSE, DUTY),
    "polls.MobileBoxVoter.registration": PersonalField(LINK, MOBILE_PURPOSE, DUTY),
    "polls.MobileBoxVoter.reason": PersonalField(MOBILE_REASON, MOBILE_PURPOSE, DUTY, True),
    "polls.PollStaff.id": NOT_PERSONAL,
    "polls.PollStaff.poll": PersonalField(POLL_DUTY, POLL_STAFF_PURPOSE, DUTY),
    "polls.PollStaff.person": PersonalField(LINK, POLL_STAFF_PURPOSE, DUTY),
    "polls.PollStaff.role": PersonalField(POLL_DUTY, POLL_STAFF_PURPOSE, DUTY),
    "polls.PollStaff.box": PersonalField(POLL_DUTY, POLL_STAFF_PURPOSE, DUTY),
    "polls.CheckIn.id": NOT_PERSONAL,
    "polls.CheckIn.poll": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, DUTY),
    "polls.CheckIn.registration": PersonalField(LINK, CHECK_IN_PURPOSE, DUTY),
    "polls.CheckIn.box": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, DUTY),
    "polls.CheckIn.by_proxy": PersonalField(LINK, CHECK_IN_PURPOSE, DUTY),
    "polls.CheckIn.method": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, DUTY),
    "polls.CheckIn.at": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, DUTY),
    "polls.CheckIn.by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.CheckIn.undone_at": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, DUTY),
    "polls.CheckIn.undone_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.CheckIn.undo_reason": PersonalField(FREE_TEXT, CHECK_IN_PURPOSE, DUTY),
    "polls.PartyAttendance.id": NOT_PERSONAL,
    "polls.PartyAttendance.poll": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, PARTY_DUTY),
    "polls.PartyAttendance.member": PersonalField(LINK, CHECK_IN_PURPOSE, PARTY_DUTY),
    "polls.PartyAttendance.at": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, PARTY_DUTY),
    "polls.PartyAttendance.by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.PartyAttendance.undone_at": PersonalField(PARTICIPATION, CHECK_IN_PURPOSE, PARTY_DUTY),
    "polls.PartyAttendance.undone_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.PartyAttendance.undo_reason": PersonalField(FREE_TEXT, CHECK_IN_PURPOSE, PARTY_DUTY),
    "polls.CountSheet.id": NOT_PERSONAL,
    "polls.CountSheet.poll": NOT_PERSONAL,
    "polls.CountSheet.box": NOT_PERSONAL,
    "polls.CountSheet.group": NOT_PERSONAL,
    "polls.CountSheet.method": NOT_PERSONAL,
    "polls.CountSheet.status": NOT_PERSONAL,
    "polls.CountSheet.agreed": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.CountSheet.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.CountSheet.created_at": NOT_PERSONAL,
    "polls.SheetEntry.id": NOT_PERSONAL,
    "polls.SheetEntry.sheet": NOT_PERSONAL,
    "polls.SheetEntry.number": NOT_PERSONAL,
    "polls.SheetEntry.user": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.SheetEntry.figures": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.SheetEntry.finished_at": NOT_PERSONAL,
    "polls.SheetEntry.rekey": NOT_PERSONAL,
    "polls.SheetEntry.started_at": NOT_PERSONAL,
    "polls.BallotEntry.id": NOT_PERSONAL,
    "polls.BallotEntry.entry": NOT_PERSONAL,
    "polls.BallotEntry.seq": NOT_PERSONAL,
    "polls.BallotEntry.picks": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.BallotEntry.invalid": NOT_PERSONAL,
    "polls.BallotEntry.reason": NOT_PERSONAL,
    "polls.BallotEntry.at": NOT_PERSONAL,
    "polls.SheetDecision.id": NOT_PERSONAL,
    "polls.SheetDecision.sheet": NOT_PERSONAL,
    "polls.SheetDecision.field": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.SheetDecision.first": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.SheetDecision.second": PersonalField(POLL_RESULT, POLL_PURPOSE, DUTY),
    "polls.SheetDecision.choice": NOT_PERSONAL,
    "polls.SheetDecision.by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.SheetDecision.at": NOT_PERSONAL,
    "polls.CheckExplanation.id": NOT_PERSONAL,
    "polls.CheckExplanation.poll": NOT_PERSONAL,
    "polls.CheckExplanation.code": NOT_PERSONAL,
    "polls.CheckExplanation.box": NOT_PERSONAL,
    "polls.CheckExplanation.text": PersonalField(FREE_TEXT, POLL_PURPOSE, DUTY),
    "polls.CheckExplanation.by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.CheckExplanation.at": NOT_PERSONAL,
    "polls.DisplayLink.id": NOT_PERSONAL,
    "polls.DisplayLink.poll": NOT_PERSONAL,
    "polls.DisplayLink.token_hash": NOT_PERSONAL,
    "polls.DisplayLink.label": NOT_PERSONAL,
    "polls.DisplayLink.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "polls.DisplayLink.created_at": NOT_PERSONAL,
    "polls.DisplayLink.revoked_at": NOT_PERSONAL,
    "polls.DisplayLink.revoked_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    # results
    "results.Result.id": NOT_PERSONAL,
    "results.Result.election": NOT_PERSONAL,
    "results.Result.created_at": NOT_PERSONAL,
    "results.ResultVersion.id": NOT_PERSONAL,
    "results.ResultVersion.result": NOT_PERSONAL,
    "results.ResultVersion.number": NOT_PERSONAL,
    "results.ResultVersion.status": NOT_PERSONAL,
    "results.ResultVersion.correction": NOT_PERSONAL,
    "results.ResultVersion.sha256": NOT_PERSONAL,
    "results.ResultVersion.code": NOT_PERSONAL,
    "results.ResultVersion.created_at": NOT_PERSONAL,
    "results.ResultVersion.town_certified_at": NOT_PERSONAL,
    "results.ResultVersion.certified_at": NOT_PERSONAL,
    "results.ResultVersion.superseded_at": NOT_PERSONAL,
    "results.ResultVersion.reason": PersonalField(FREE_TEXT, RESULT_PURPOSE, DUTY),
    "results.ResultVersion.document": PersonalField(RESULT_FILE, RESULT_PURPOSE, DUTY),
    "results.ResultVersion.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.ResultVersion.town_certified_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.ResultVersion.certified_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.ResultHistory.id": NOT_PERSONAL,
    "results.ResultHistory.version": NOT_PERSONAL,
    "results.ResultHistory.from_status": NOT_PERSONAL,
    "results.ResultHistory.to_status": NOT_PERSONAL,
    "results.ResultHistory.at": NOT_PERSONAL,
    "results.ResultHistory.reason": PersonalField(FREE_TEXT, RESULT_PURPOSE, DUTY),
    "results.ResultHistory.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.TallySheetScan.id": NOT_PERSONAL,
    "results.TallySheetScan.box": NOT_PERSONAL,
    "results.TallySheetScan.content_type": NOT_PERSONAL,
    "results.TallySheetScan.size": NOT_PERSONAL,
    "results.TallySheetScan.sha256": NOT_PERSONAL,
    "results.TallySheetScan.uploaded_at": NOT_PERSONAL,
    "results.TallySheetScan.removed_at": NOT_PERSONAL,
    "results.TallySheetScan.path": PersonalField(TALLY_SCAN, SCAN_PURPOSE, DUTY),
    "results.TallySheetScan.name": PersonalField(FREE_TEXT, SCAN_PURPOSE, DUTY),
    "results.TallySheetScan.removed_reason": PersonalField(FREE_TEXT, SCAN_PURPOSE, DUTY),
    "results.TallySheetScan.uploaded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.TallySheetScan.removed_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.BoxCheck.id": NOT_PERSONAL,
    "results.BoxCheck.box": NOT_PERSONAL,
    "results.BoxCheck.level": NOT_PERSONAL,
    "results.BoxCheck.checked_at": NOT_PERSONAL,
    "results.BoxCheck.checked_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.BoxIncident.id": NOT_PERSONAL,
    "results.BoxIncident.box": NOT_PERSONAL,
    "results.BoxIncident.raised_at": NOT_PERSONAL,
    "results.BoxIncident.resolved_at": NOT_PERSONAL,
    "results.BoxIncident.note": PersonalField(FREE_TEXT, SCAN_PURPOSE, DUTY),
    "results.BoxIncident.resolution": PersonalField(FREE_TEXT, SCAN_PURPOSE, DUTY),
    "results.BoxIncident.raised_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.BoxIncident.resolved_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.Correction.id": NOT_PERSONAL,
    "results.Correction.result": NOT_PERSONAL,
    "results.Correction.poll": NOT_PERSONAL,
    "results.Correction.kind": NOT_PERSONAL,
    "results.Correction.status": NOT_PERSONAL,
    "results.Correction.opened_at": NOT_PERSONAL,
    "results.Correction.decided_at": NOT_PERSONAL,
    "results.Correction.reason": PersonalField(FREE_TEXT, RESULT_PURPOSE, DUTY),
    "results.Correction.decision_note": PersonalField(FREE_TEXT, RESULT_PURPOSE, DUTY),
    "results.Correction.opened_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.Correction.decided_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.CorrectionBox.id": NOT_PERSONAL,
    "results.CorrectionBox.correction": NOT_PERSONAL,
    "results.CorrectionBox.box": NOT_PERSONAL,
    "results.CorrectionBox.entered_at": NOT_PERSONAL,
    "results.CorrectionBox.original": PersonalField(POLL_RESULT, RESULT_PURPOSE, DUTY),
    "results.CorrectionBox.corrected": PersonalField(POLL_RESULT, RESULT_PURPOSE, DUTY),
    "results.CorrectionBox.entered_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "results.PublicCheck.id": NOT_PERSONAL,
    "results.PublicCheck.client": PersonalField(IP, PUBLIC_CHECK_PURPOSE, SECURITY_DUTY),
    "results.PublicCheck.window_start": NOT_PERSONAL,
    "results.PublicCheck.requests": NOT_PERSONAL,
    # rosters
    "rosters.Cadre.id": NOT_PERSONAL,
    "rosters.Cadre.village": NOT_PERSONAL,
    "rosters.Cadre.body": NOT_PERSONAL,
    "rosters.Cadre.term_number": NOT_PERSONAL,
    "rosters.Cadre.campaign": NOT_PERSONAL,
    "rosters.Cadre.source": NOT_PERSONAL,
    "rosters.Cadre.result_version": NOT_PERSONAL,
    "rosters.Cadre.by_election": NOT_PERSONAL,
    "rosters.Cadre.created_at": NOT_PERSONAL,
    "rosters.Cadre.person": PersonalField(LINK, ROSTER_PURPOSE, DUTY),
    "rosters.Cadre.name": PersonalField(NAME, ROSTER_PURPOSE, DUTY),
    "rosters.Cadre.sex": PersonalField(SEX, ROSTER_PURPOSE, DUTY),
    "rosters.Cadre.post": PersonalField(CADRE, ROSTER_PURPOSE, DUTY),
    "rosters.Cadre.started_on": PersonalField(CADRE, ROSTER_PURPOSE, DUTY),
    "rosters.Cadre.ended_on": PersonalField(CADRE, ROSTER_PURPOSE, DUTY),
    "rosters.Cadre.end_reason": PersonalField(CADRE, ROSTER_PURPOSE, DUTY),
    "rosters.Cadre.end_note": PersonalField(FREE_TEXT, ROSTER_PURPOSE, DUTY),
    "rosters.Recall.id": NOT_PERSONAL,
    "rosters.Recall.motion_on": NOT_PERSONAL,
    "rosters.Recall.voted_on": NOT_PERSONAL,
    "rosters.Recall.recorded_at": NOT_PERSONAL,
    "rosters.Recall.of": NOT_PERSONAL,
    "rosters.Recall.electorate": NOT_PERSONAL,
    "rosters.Recall.cadre": PersonalField(LINK, RECALL_PURPOSE, DUTY),
    "rosters.Recall.status": PersonalField(RECALL, RECALL_PURPOSE, DUTY),
    "rosters.Recall.by_representatives": PersonalField(RECALL, RECALL_PURPOSE, DUTY),
    "rosters.Recall.signers": PersonalField(RECALL, RECALL_PURPOSE, DUTY),
    "rosters.Recall.voted": PersonalField(RECALL, RECALL_PURPOSE, DUTY),
    "rosters.Recall.yes": PersonalField(RECALL, RECALL_PURPOSE, DUTY),
    "rosters.Recall.judgement": PersonalField(RECALL, RECALL_PURPOSE, DUTY),
    "rosters.Recall.reason": PersonalField(FREE_TEXT, RECALL_PURPOSE, DUTY),
    "rosters.Recall.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "rosters.ByElection.id": NOT_PERSONAL,
    "rosters.ByElection.election": NOT_PERSONAL,
    "rosters.ByElection.post": NOT_PERSONAL,
    "rosters.ByElection.seats": NOT_PERSONAL,
    "rosters.ByElection.held_on": NOT_PERSONAL,
    "rosters.ByElection.engine_hash": NOT_PERSONAL,
    "rosters.ByElection.recorded_at": NOT_PERSONAL,
    "rosters.ByElection.reason": PersonalField(FREE_TEXT, ROSTER_PURPOSE, DUTY),
    "rosters.ByElection.engine_input": PersonalField(POLL_RESULT, ROSTER_PURPOSE, DUTY),
    "rosters.ByElection.engine_output": PersonalField(POLL_RESULT, ROSTER_PURPOSE, DUTY),
    "rosters.ByElection.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    # The roster file's job (rosters.imports): its counts, the term it is of.
    **_upload_job("rosters.RosterImport"),
    "rosters.RosterImport.term_number": NOT_PERSONAL,
    "rosters.RosterImport.reference_date": NOT_PERSONAL,
    "rosters.RosterImport.added": NOT_PERSONAL,
    "rosters.RosterImport.replaced": NOT_PERSONAL,
    "rosters.Cadre.roster_import": NOT_PERSONAL,
    # What the county reports of each cadre for the statistics report (issue 13).
    "rosters.Cadre.term": NOT_PERSONAL,
    "rosters.Cadre.birth_date": PersonalField(BIRTH, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.age": PersonalField(AGE, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.ethnicity": PersonalField(ETHNICITY, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.education": PersonalField(EDUCATION, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.political_status": PersonalField(PARTY, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.tag_college_official": PersonalField(CADRE_TAGS, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.tag_veteran": PersonalField(CADRE_TAGS, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.tag_entrepreneur": PersonalField(CADRE_TAGS, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.tag_grower": PersonalField(CADRE_TAGS, ROSTER_DETAIL_PURPOSE, DUTY),
    "rosters.Cadre.tag_returnee": PersonalField(CADRE_TAGS, ROSTER_DETAIL_PURPOSE, DUTY),
    # A county's term (届) and its reference date: no person.
    "rosters.Term.id": NOT_PERSONAL,
    "rosters.Term.county": NOT_PERSONAL,
    "rosters.Term.number": NOT_PERSONAL,
    "rosters.Term.reference_date": NOT_PERSONAL,
    "rosters.Term.campaign": NOT_PERSONAL,
    "rosters.Term.created_at": NOT_PERSONAL,
    # The structure a campaign sets (sizes, shares, exclusions): no person.
    "rosters.StructureRules.id": NOT_PERSONAL,
    "rosters.StructureRules.campaign": NOT_PERSONAL,
    "rosters.StructureRules.values": NOT_PERSONAL,
    "rosters.StructureRules.updated_at": NOT_PERSONAL,
    "rosters.StructureRules.updated_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    # Close relatives among a village's people (近亲属回避).
    "rosters.Kinship.id": NOT_PERSONAL,
    "rosters.Kinship.village": NOT_PERSONAL,
    "rosters.Kinship.recorded_at": NOT_PERSONAL,
    "rosters.Kinship.person_a": PersonalField(LINK, KIN_PURPOSE, DUTY),
    "rosters.Kinship.person_b": PersonalField(LINK, KIN_PURPOSE, DUTY),
    "rosters.Kinship.relation": PersonalField(RELATION, KIN_PURPOSE, DUTY),
    "rosters.Kinship.note": PersonalField(FREE_TEXT, KIN_PURPOSE, DUTY),
    "rosters.Kinship.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    # Reserve cadres (后备干部).
    "rosters.ReserveCadre.id": NOT_PERSONAL,
    "rosters.ReserveCadre.village": NOT_PERSONAL,
    "rosters.ReserveCadre.recorded_at": NOT_PERSONAL,
    "rosters.ReserveCadre.person": PersonalField(LINK, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.name": PersonalField(NAME, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.sex": PersonalField(SEX, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.birth_date": PersonalField(BIRTH, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.education": PersonalField(EDUCATION, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.political_status": PersonalField(PARTY, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.occupation": PersonalField(RESERVE, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.intended_body": PersonalField(RESERVE, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.intended_post": PersonalField(RESERVE, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.channel": PersonalField(RESERVE, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.added_on": PersonalField(RESERVE, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.status": PersonalField(RESERVE, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.removed_on": PersonalField(RESERVE, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.removed_reason": PersonalField(FREE_TEXT, RESERVE_PURPOSE, DUTY),
    "rosters.ReserveCadre.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    # The care of departing cadres (离任关爱).
    "rosters.DepartureCare.id": NOT_PERSONAL,
    "rosters.DepartureCare.village": NOT_PERSONAL,
    "rosters.DepartureCare.term": NOT_PERSONAL,
    "rosters.DepartureCare.recorded_at": NOT_PERSONAL,
    "rosters.DepartureCare.person": PersonalField(LINK, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.name": PersonalField(NAME, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.talked_on": PersonalField(CARE, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.one_off_payment": PersonalField(CARE, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.pension_support": PersonalField(CARE, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.placed": PersonalField(CARE, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.placement": PersonalField(CARE, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.note": PersonalField(FREE_TEXT, CARE_PURPOSE, DUTY),
    "rosters.DepartureCare.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    # The statistics report's summaries (rosters.summary): counts per village and term.
    "rosters.VillageSummary.id": NOT_PERSONAL,
    "rosters.VillageSummary.term": NOT_PERSONAL,
    "rosters.VillageSummary.village": NOT_PERSONAL,
    "rosters.VillageSummary.villages": NOT_PERSONAL,
    "rosters.VillageSummary.dual_role_villages": NOT_PERSONAL,
    "rosters.VillageSummary.cadres": NOT_PERSONAL,
    "rosters.VillageSummary.tag_college_official": NOT_PERSONAL,
    "rosters.VillageSummary.young": NOT_PERSONAL,
    "rosters.VillageSummary.age_36_45": NOT_PERSONAL,
    "rosters.VillageSummary.age_46_55": NOT_PERSONAL,
    "rosters.VillageSummary.age_over_55": NOT_PERSONAL,
    "rosters.VillageSummary.age_unknown": NOT_PERSONAL,
    "rosters.VillageSummary.aged": NOT_PERSONAL,
    "rosters.VillageSummary.edu_high_school_up": NOT_PERSONAL,
    "rosters.VillageSummary.edu_college_up": NOT_PERSONAL,
    "rosters.VillageSummary.edu_postgraduate": NOT_PERSONAL,
    "rosters.VillageSummary.edu_undergraduate": NOT_PERSONAL,
    "rosters.VillageSummary.edu_college": NOT_PERSONAL,
    "rosters.VillageSummary.edu_secondary": NOT_PERSONAL,
    "rosters.VillageSummary.edu_junior_or_below": NOT_PERSONAL,
    "rosters.VillageSummary.edu_unknown": NOT_PERSONAL,
    "rosters.VillageSummary.women": NOT_PERSONAL,
    "rosters.VillageSummary.minority": NOT_PERSONAL,
    "rosters.VillageSummary.party_members": NOT_PERSONAL,
    "rosters.VillageSummary.heads": NOT_PERSONAL,
    "rosters.VillageSummary.young_heads": NOT_PERSONAL,
    "rosters.VillageSummary.secretaries": NOT_PERSONAL,
    "rosters.VillageSummary.secretary_coop_head": NOT_PERSONAL,
    "rosters.VillageSummary.supervision_directors": NOT_PERSONAL,
    "rosters.VillageSummary.supervision_chairs_in_party": NOT_PERSONAL,
    "rosters.VillageSummary.directors": NOT_PERSONAL,
    "rosters.VillageSummary.party_directors": NOT_PERSONAL,
    "rosters.VillageSummary.committee_members": NOT_PERSONAL,
    "rosters.VillageSummary.party_committee_members": NOT_PERSONAL,
    "rosters.VillageSummary.tag_veteran": NOT_PERSONAL,
    "rosters.VillageSummary.tag_entrepreneur": NOT_PERSONAL,
    "rosters.VillageSummary.tag_grower": NOT_PERSONAL,
    "rosters.VillageSummary.tag_returnee": NOT_PERSONAL,
    "rosters.VillageSummary.age_total": NOT_PERSONAL,
    "rosters.VillageSummary.cross_appointments": NOT_PERSONAL,
    "rosters.VillageSummary.new_secretaries": NOT_PERSONAL,
    "rosters.VillageSummary.new_directors": NOT_PERSONAL,
    "rosters.VillageSummary.departed": NOT_PERSONAL,
    "rosters.VillageSummary.departed_placed": NOT_PERSONAL,
    "rosters.VillageSummary.departure_payments": NOT_PERSONAL,
    "rosters.VillageSummary.reserve_elected": NOT_PERSONAL,
    "rosters.VillageEthnicity.id": NOT_PERSONAL,
    "rosters.VillageEthnicity.term": NOT_PERSONAL,
    "rosters.VillageEthnicity.village": NOT_PERSONAL,
    "rosters.VillageEthnicity.ethnicity": NOT_PERSONAL,
    "rosters.VillageEthnicity.cadres": NOT_PERSONAL,
    "progress.ScheduleStage.id": NOT_PERSONAL,
    "progress.ScheduleStage.village": NOT_PERSONAL,
    "progress.ScheduleStage.key": NOT_PERSONAL,
    "progress.ScheduleStage.name": NOT_PERSONAL,
    "progress.ScheduleStage.order": NOT_PERSONAL,
    "progress.ScheduleStage.starts_on": NOT_PERSONAL,
    "progress.ScheduleStage.due_on": NOT_PERSONAL,
    "progress.ScheduleStage.article": NOT_PERSONAL,
    "progress.ScheduleStage.done_on": NOT_PERSONAL,
    "progress.ScheduleStage.done_by": NOT_PERSONAL,
    "progress.ScheduleStage.note": PersonalField(FREE_TEXT, SCHEDULE_PURPOSE, DUTY),
    "progress.ScheduleStage.updated_at": NOT_PERSONAL,
    "progress.ScheduleStageHistory.id": NOT_PERSONAL,
    "progress.ScheduleStageHistory.stage": NOT_PERSONAL,
    "progress.ScheduleStageHistory.event": NOT_PERSONAL,
    "progress.ScheduleStageHistory.old_done_on": NOT_PERSONAL,
    "progress.ScheduleStageHistory.new_done_on": NOT_PERSONAL,
    "progress.ScheduleStageHistory.old_due_on": NOT_PERSONAL,
    "progress.ScheduleStageHistory.new_due_on": NOT_PERSONAL,
    "progress.ScheduleStageHistory.note": PersonalField(FREE_TEXT, SCHEDULE_PURPOSE, DUTY),
    "progress.ScheduleStageHistory.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "progress.ScheduleStageHistory.at": NOT_PERSONAL,
    "progress.ElectionDayChange.id": NOT_PERSONAL,
    "progress.ElectionDayChange.village": NOT_PERSONAL,
    "progress.ElectionDayChange.old_date": NOT_PERSONAL,
    "progress.ElectionDayChange.new_date": NOT_PERSONAL,
    "progress.ElectionDayChange.reason": PersonalField(FREE_TEXT, SCHEDULE_PURPOSE, DUTY),
    "progress.ElectionDayChange.changed_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "progress.ElectionDayChange.changed_at": NOT_PERSONAL,
    "progress.VillageProgress.village": NOT_PERSONAL,
    "progress.VillageProgress.campaign": NOT_PERSONAL,
    "progress.VillageProgress.region": NOT_PERSONAL,
    "progress.VillageProgress.town_code": NOT_PERSONAL,
    "progress.VillageProgress.kind": NOT_PERSONAL,
    "progress.VillageProgress.status": NOT_PERSONAL,
    "progress.VillageProgress.election_date": NOT_PERSONAL,
    "progress.VillageProgress.stage_key": NOT_PERSONAL,
    "progress.VillageProgress.stage_name": NOT_PERSONAL,
    "progress.VillageProgress.next_due": NOT_PERSONAL,
    "progress.VillageProgress.stages_total": NOT_PERSONAL,
    "progress.VillageProgress.stages_done": NOT_PERSONAL,
    "progress.VillageProgress.elections_total": NOT_PERSONAL,
    "progress.VillageProgress.elections_done": NOT_PERSONAL,
    "progress.VillageProgress.done_on": NOT_PERSONAL,
    "progress.VillageProgress.registered": NOT_PERSONAL,
    "progress.VillageProgress.voted": NOT_PERSONAL,
    "progress.VillageProgress.first_time": NOT_PERSONAL,
    "progress.VillageProgress.refreshed_at": NOT_PERSONAL,
    **_upload_job("ledgers.LedgerImport"),
    "ledgers.LedgerImport.kind": NOT_PERSONAL,
    "ledgers.LedgerImport.campaign": NOT_PERSONAL,
    "ledgers.LedgerImport.created": NOT_PERSONAL,
    "ledgers.LedgerImport.changed": NOT_PERSONAL,
    "ledgers.LedgerImport.unchanged": NOT_PERSONAL,
    "ledgers.LedgerEvent.id": NOT_PERSONAL,
    "ledgers.LedgerEvent.kind": NOT_PERSONAL,
    "ledgers.LedgerEvent.item_id": NOT_PERSONAL,
    "ledgers.LedgerEvent.campaign": NOT_PERSONAL,
    "ledgers.LedgerEvent.region": NOT_PERSONAL,
    "ledgers.LedgerEvent.from_status": NOT_PERSONAL,
    "ledgers.LedgerEvent.to_status": NOT_PERSONAL,
    "ledgers.LedgerEvent.day": NOT_PERSONAL,
    "ledgers.LedgerEvent.note": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.LedgerEvent.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "ledgers.LedgerEvent.at": NOT_PERSONAL,
    "ledgers.Assessment.id": NOT_PERSONAL,
    "ledgers.Assessment.campaign": NOT_PERSONAL,
    "ledgers.Assessment.region": NOT_PERSONAL,
    "ledgers.Assessment.category": NOT_PERSONAL,
    "ledgers.Assessment.complex": NOT_PERSONAL,
    "ledgers.Assessment.complex_reasons": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.Assessment.assessed_on": NOT_PERSONAL,
    "ledgers.Assessment.note": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.AssessmentChange.id": NOT_PERSONAL,
    "ledgers.AssessmentChange.assessment": NOT_PERSONAL,
    "ledgers.AssessmentChange.from_category": NOT_PERSONAL,
    "ledgers.AssessmentChange.to_category": NOT_PERSONAL,
    "ledgers.AssessmentChange.from_complex": NOT_PERSONAL,
    "ledgers.AssessmentChange.to_complex": NOT_PERSONAL,
    "ledgers.AssessmentChange.note": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.AssessmentChange.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "ledgers.AssessmentChange.at": NOT_PERSONAL,
    "ledgers.ContingencyPlan.id": NOT_PERSONAL,
    "ledgers.ContingencyPlan.campaign": NOT_PERSONAL,
    "ledgers.ContingencyPlan.region": NOT_PERSONAL,
    "ledgers.ContingencyPlan.case": NOT_PERSONAL,
    "ledgers.ContingencyPlan.measures": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.ContingencyPlan.responsible": PersonalField(NAME, LEDGER_PURPOSE, DUTY),
    "ledgers.ContingencyPlan.note": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.RectificationItem.id": NOT_PERSONAL,
    "ledgers.RectificationItem.campaign": NOT_PERSONAL,
    "ledgers.RectificationItem.region": NOT_PERSONAL,
    "ledgers.RectificationItem.problem": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.RectificationItem.measures": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.RectificationItem.leader": PersonalField(NAME, LEDGER_PURPOSE, DUTY),
    "ledgers.RectificationItem.leader_level": NOT_PERSONAL,
    "ledgers.RectificationItem.due_on": NOT_PERSONAL,
    "ledgers.RectificationItem.status": NOT_PERSONAL,
    "ledgers.RectificationItem.closed_on": NOT_PERSONAL,
    "ledgers.RectificationItem.close_note": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.DepartureAudit.id": NOT_PERSONAL,
    "ledgers.DepartureAudit.campaign": NOT_PERSONAL,
    "ledgers.DepartureAudit.region": NOT_PERSONAL,
    "ledgers.DepartureAudit.audit_kind": NOT_PERSONAL,
    "ledgers.DepartureAudit.subject": PersonalField(NAME, LEDGER_PURPOSE, DUTY),
    "ledgers.DepartureAudit.auditor": NOT_PERSONAL,
    "ledgers.DepartureAudit.status": NOT_PERSONAL,
    "ledgers.DepartureAudit.started_on": NOT_PERSONAL,
    "ledgers.DepartureAudit.reported_on": NOT_PERSONAL,
    "ledgers.DepartureAudit.findings": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.DepartureAudit.problems": PersonalField(FREE_TEXT, LEDGER_PURPOSE, DUTY),
    "ledgers.IntendedCandidate.id": NOT_PERSONAL,
    "ledgers.IntendedCandidate.campaign": NOT_PERSONAL,
    "ledgers.IntendedCandidate.region": NOT_PERSONAL,
    "ledgers.IntendedCandidate.role": NOT_PERSONAL,
    "ledgers.IntendedCandidate.name": PersonalField(NAME, CANDIDATE_PURPOSE, DUTY),
    "ledgers.IntendedCandidate.sex": PersonalField(SEX, CANDIDATE_PURPOSE, DUTY),
    "ledgers.IntendedCandidate.birth_year": PersonalField(BIRTH, CANDIDATE_PURPOSE, DUTY),
    "ledgers.IntendedCandidate.current_post": PersonalField(WORK, CANDIDATE_PURPOSE, DUTY),
    "ledgers.IntendedCandidate.status": NOT_PERSONAL,
    "ledgers.IntendedCandidate.note": PersonalField(FREE_TEXT, CANDIDATE_PURPOSE, DUTY),
    "oversight.InspectionGroup.id": NOT_PERSONAL,
    "oversight.InspectionGroup.campaign": NOT_PERSONAL,
    "oversight.InspectionGroup.region": NOT_PERSONAL,
    "oversight.InspectionGroup.name": NOT_PERSONAL,
    "oversight.InspectionGroup.leader": PersonalField(NAME, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionGroup.created_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.InspectionGroup.created_at": NOT_PERSONAL,
    "oversight.InspectionGroup.members": PersonalField(STAFF, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionGroup.towns": NOT_PERSONAL,
    "oversight.InspectionVisit.id": NOT_PERSONAL,
    "oversight.InspectionVisit.campaign": NOT_PERSONAL,
    "oversight.InspectionVisit.group": NOT_PERSONAL,
    "oversight.InspectionVisit.region": NOT_PERSONAL,
    "oversight.InspectionVisit.visited_on": NOT_PERSONAL,
    "oversight.InspectionVisit.checked": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionVisit.summary": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionVisit.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.InspectionVisit.recorded_at": NOT_PERSONAL,
    "oversight.InspectionProblem.id": NOT_PERSONAL,
    "oversight.InspectionProblem.campaign": NOT_PERSONAL,
    "oversight.InspectionProblem.visit": NOT_PERSONAL,
    "oversight.InspectionProblem.region": NOT_PERSONAL,
    "oversight.InspectionProblem.description": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionProblem.requirement": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionProblem.due_on": NOT_PERSONAL,
    "oversight.InspectionProblem.status": NOT_PERSONAL,
    "oversight.InspectionProblem.measures": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionProblem.closed_on": NOT_PERSONAL,
    "oversight.InspectionProblem.close_note": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionProblem.review_note": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionProblem.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.InspectionProblem.recorded_at": NOT_PERSONAL,
    "oversight.InspectionProblemEvent.id": NOT_PERSONAL,
    "oversight.InspectionProblemEvent.problem": NOT_PERSONAL,
    "oversight.InspectionProblemEvent.event": NOT_PERSONAL,
    "oversight.InspectionProblemEvent.old_status": NOT_PERSONAL,
    "oversight.InspectionProblemEvent.new_status": NOT_PERSONAL,
    "oversight.InspectionProblemEvent.on": NOT_PERSONAL,
    "oversight.InspectionProblemEvent.note": PersonalField(FREE_TEXT, INSPECTION_PURPOSE, DUTY),
    "oversight.InspectionProblemEvent.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.InspectionProblemEvent.at": NOT_PERSONAL,
    "oversight.Petition.id": NOT_PERSONAL,
    "oversight.Petition.campaign": NOT_PERSONAL,
    "oversight.Petition.region": NOT_PERSONAL,
    "oversight.Petition.kind": NOT_PERSONAL,
    "oversight.Petition.channel": NOT_PERSONAL,
    "oversight.Petition.received_on": NOT_PERSONAL,
    "oversight.Petition.summary": PersonalField(FREE_TEXT, PETITION_PURPOSE, DUTY),
    "oversight.Petition.petitioner_name": PersonalField(PETITIONER, PETITION_PURPOSE, DUTY),
    "oversight.Petition.petitioner_phone": PersonalField(PHONE, PETITION_PURPOSE, DUTY),
    "oversight.Petition.due_on": NOT_PERSONAL,
    "oversight.Petition.extension_reason": PersonalField(FREE_TEXT, PETITION_PURPOSE, DUTY),
    "oversight.Petition.status": NOT_PERSONAL,
    "oversight.Petition.handler": PersonalField(FREE_TEXT, PETITION_PURPOSE, DUTY),
    "oversight.Petition.measures": PersonalField(FREE_TEXT, PETITION_PURPOSE, DUTY),
    "oversight.Petition.settled_on": NOT_PERSONAL,
    "oversight.Petition.outcome": PersonalField(FREE_TEXT, PETITION_PURPOSE, DUTY),
    "oversight.Petition.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.Petition.recorded_at": NOT_PERSONAL,
    "oversight.PetitionEvent.id": NOT_PERSONAL,
    "oversight.PetitionEvent.petition": NOT_PERSONAL,
    "oversight.PetitionEvent.event": NOT_PERSONAL,
    "oversight.PetitionEvent.old_status": NOT_PERSONAL,
    "oversight.PetitionEvent.new_status": NOT_PERSONAL,
    "oversight.PetitionEvent.on": NOT_PERSONAL,
    "oversight.PetitionEvent.note": PersonalField(FREE_TEXT, PETITION_PURPOSE, DUTY),
    "oversight.PetitionEvent.actor": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.PetitionEvent.at": NOT_PERSONAL,
    "oversight.TrainingSession.id": NOT_PERSONAL,
    "oversight.TrainingSession.campaign": NOT_PERSONAL,
    "oversight.TrainingSession.region": NOT_PERSONAL,
    "oversight.TrainingSession.held_on": NOT_PERSONAL,
    "oversight.TrainingSession.title": NOT_PERSONAL,
    "oversight.TrainingSession.kind": NOT_PERSONAL,
    "oversight.TrainingSession.trainer": PersonalField(NAME, TRAINING_PURPOSE, DUTY),
    "oversight.TrainingSession.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.TrainingSession.recorded_at": NOT_PERSONAL,
    "oversight.TrainingAttendee.id": NOT_PERSONAL,
    "oversight.TrainingAttendee.campaign": NOT_PERSONAL,
    "oversight.TrainingAttendee.region": NOT_PERSONAL,
    "oversight.TrainingAttendee.session": PersonalField(TRAINEE, TRAINING_PURPOSE, DUTY),
    "oversight.TrainingAttendee.name": PersonalField(NAME, TRAINING_PURPOSE, DUTY),
    "oversight.TrainingAttendee.post": PersonalField(TRAINEE, TRAINING_PURPOSE, DUTY),
    "oversight.TrainingAttendee.village": PersonalField(TRAINEE, TRAINING_PURPOSE, DUTY),
    "oversight.TrainingAttendee.unit": PersonalField(TRAINEE, TRAINING_PURPOSE, DUTY),
    "oversight.TrainingAttendee.recorded_at": NOT_PERSONAL,
    "oversight.WorkRecord.id": NOT_PERSONAL,
    "oversight.WorkRecord.campaign": NOT_PERSONAL,
    "oversight.WorkRecord.region": NOT_PERSONAL,
    "oversight.WorkRecord.kind": NOT_PERSONAL,
    "oversight.WorkRecord.held_on": NOT_PERSONAL,
    "oversight.WorkRecord.title": NOT_PERSONAL,
    "oversight.WorkRecord.doc_number": NOT_PERSONAL,
    "oversight.WorkRecord.recorded_by": PersonalField(STAFF, STAFF_PURPOSE, SECURITY_DUTY),
    "oversight.WorkRecord.recorded_at": NOT_PERSONAL,
}

# Fields whose name or type looks personal but which hold none, each with its reason. The test
# refuses NOT_PERSONAL for such a field unless it is here.
NOT_PERSONAL_DESPITE_NAME: Final[dict[str, str]] = {
    "regions.Region.name": "行政区划名称（地名），不是人名",
    "regions.Region.short_name": "行政区划简称（地名），不是人名",
    "accounts.User.must_change_password": "账号口令的状态（下次登录须修改），不记录本人的行为",
    "accounts.User.password_changed_at": "账号口令的设置时间（口令有效期，A2），不记录本人的行为",
    "elections.Campaign.name": "换届的名称（如“大通县第十二届村“两委”换届”），不是人名",
    "party.PartyBranch.name": "党组织名称（如“红河限村党支部”），不是人名",
    "elections.RuleProfile.name": "县级选举规则的名称（如“某县村委会选举规则”），不是人名",
    "elections.RuleProfile.parameters": "选举规则的参数（职数、差额等）及其引用的条款，不涉及人员",
    "nomination.Publicity.subject": "公示的内容类别（初步人选、预备人选、正式候选人），不是某个人",
    "review.ReviewDepartment.name": "联审部门的名称（如“县人民法院”），不是人名",
    "review.DisqualifyingCondition.text": "负面清单情形的条文（如“受过刑事处罚的”），不针对某个人",
    "polls.BallotBox.name": "票箱的名称（如“中心会场”“流动1”），不是人名",
    "polls.Poll.note": "系统生成的轮次说明（如“票数相等，再次投票”），不含个人信息",
    "polls.BallotEntry.reason": "无效票的认定原因（如“无法辨认”），选票不记名，不涉及投票人",
    "polls.CountSheet.group": "计票组的编号，不是人员分组",
    "polls.SheetEntry.rekey": "退回重新录入的计票项目名称，不含个人信息",
    "rosters.Cadre.source": "名册记录的来源（选举结果、补选、导入），不是人员来源",
    "rosters.StructureRules.values": "换届设定的班子结构要求（职数、比例、不得交叉任职的组织），不涉及人员",
    "rosters.VillageEthnicity.ethnicity": "统计汇总的民族分组（某村某届各民族村干部人数），不指向某个人",
    "oversight.InspectionGroup.name": "督导组的名称（如“第一督导组”），不是人名",
    "oversight.InspectionVisit.group": "督导记录所属的县级督导组，不是村民小组",
    "progress.ScheduleStage.name": "工作日程环节的名称（如“公布选民名单”），不是人名",
    "progress.VillageProgress.stage_name": "当前环节的名称（如“资格联审”），不是人名",
}


def personal() -> dict[str, PersonalField]:
    """The personal fields alone, in inventory order."""
    return {key: e for key, e in INVENTORY.items() if isinstance(e, PersonalField)}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The inventory as a Markdown document (docs/personal-data.md). Field labels come from the
    models' verbose names, so Django must be set up."""
    from django.apps import apps

    labels: dict[str, str] = {}
    for model in apps.get_models():
        if model.__module__.startswith("huanjie."):
            for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
                key = f"{model._meta.label}.{field.name}"
                label = str(field.verbose_name)
                # A field without a verbose name gets its own name back: no label then.
                labels[key] = "—" if label == field.name.replace("_", " ") else label

    chosen = personal()
    by_model: dict[str, list[str]] = {}
    for key in INVENTORY:
        by_model.setdefault(key.rsplit(".", 1)[0], []).append(key)
    sensitive = sum(1 for e in chosen.values() if e.sensitive)
    lines = [
        "# 个人信息字段清单",
        "",
        "Personal data inventory (SECURITY.md P1 minimum fields, P2 legal basis, D2 encryption,",
        "P3 masking). Generated by `python -m huanjie.privacy > docs/personal-data.md` from",
        "`huanjie/privacy.py`; do not edit by hand: a test compares the two, and another fails",
        "when a model field is missing from the inventory.",
        "",
        "本文件根据 `huanjie/privacy.py` 生成，列出系统每个数据表中的个人信息字段、用途和处理依据，"
        "是个人信息保护影响评估的起点。",
        "",
        f"- 字段总数：{len(INVENTORY)}（{len(by_model)} 个数据模型）；个人信息字段：{len(chosen)}；"
        f"其中敏感个人信息：{sensitive}。",
        "- 个人信息：能识别或关联到某个人（选民、党员、工作人员）的字段，包括指向个人记录的外键和"
        "可能写入个人信息的自由文本；只用于排序、计数、划定范围的字段（换届、区划代码、任务状态、"
        "哈希）不是。",
        "- 敏感：身份证号（SECURITY.md §1 的决定）、剥夺政治权利等违法犯罪记录和健康状况"
        "（GB/T 35273 附录B）。",
        f"- 存储：未注明的为数据库中的{PLAIN_STORAGE}；显示：未注明的为{PLAIN_DISPLAY}。"
        "保存期限见 SECURITY.md P7（换届的个人信息保存期限届满后删除）。",
        "- 依据：选民登记是法定职责，不以同意为前提，但应公开告知（个人信息保护法第三十五条），"
        "不用于换届选举以外的目的。表中“依据”一栏的简称：",
        *(f"  - {label}：{basis}" for basis, label in BASIS_LABELS.items()),
    ]
    for label, keys in by_model.items():
        lines += ["", f"## {label}", ""]
        rows = [k for k in keys if isinstance(INVENTORY[k], PersonalField)]
        if rows:
            lines += [
                "| 字段 | 名称 | 类别 | 用途 | 依据 | 存储（D2） | 显示（P3） | 敏感 |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for key in rows:
                e = chosen[key]
                cells = [
                    f"`{key.rsplit('.', 1)[1]}`",
                    labels.get(key, ""),
                    e.kind,
                    e.purpose,
                    BASIS_LABELS[e.basis],
                    STORAGE.get(e.kind, PLAIN_STORAGE),
                    DISPLAY.get(e.kind, PLAIN_DISPLAY),
                    "是" if e.sensitive else "",
                ]
                lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
            lines.append("")
        others = [k.rsplit(".", 1)[1] for k in keys if INVENTORY[k] is NOT_PERSONAL]
        if others:
            lines.append("非个人信息字段：" + "、".join(f"`{name}`" for name in others) + "。")
        else:
            lines.append("（全部字段均为个人信息。）")
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    """Write the document to standard output."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.settings")
    import django

    django.setup()
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
