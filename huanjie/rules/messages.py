"""Every Chinese message the engine shows, defined once so that tests can assert the exact text.

Templates take keyword arguments (`str.format`).

>>> POLL_FILE["post_not_in_poll"].format(post="member")
'本次投票没有“member”职位'
"""

from __future__ import annotations

from typing import Final

BODY_NAMES: Final = {
    "villagers": "村民委员会",
    "residents": "居民委员会",
    "party": "村党组织委员会",
    "supervision": "村务监督委员会",
}

POST_NAMES: Final = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "director": "主任",
    "deputy_director": "副主任",
    "member": "委员",
    "woman_member": "妇女委员",
}

MODE_NAMES: Final = {
    "all_voters": "全体选民选举",
    "households": "户代表选举",
    "representatives": "居民代表选举",
}

POLL_NAMES: Final = {"first": "第一次投票", "supplementary": "另行选举", "runoff": "再次投票"}

MEETING_NAMES: Final = {"members": "党员大会", "committee": "党组织委员会全体会议"}

# Bad input: "<field>：<message>" on one line (TALLY_FORMAT.md).
POLL_FILE: Final = {
    "missing": "缺少此字段",
    "unknown_field": "未知字段",
    "not_object": "应当是JSON对象",
    "not_list": "应当是数组",
    "not_string": "应当是字符串",
    "not_int": "应当是整数",
    "not_bool": "应当是true或false",
    "negative": "不能为负数",
    "at_least_one": "至少为1",
    "empty": "不能为空",
    "empty_name": "姓名不能为空",
    "bad_body": (
        "应当是villagers（村民委员会）、residents（居民委员会）、party（村党组织委员会）"
        "或supervision（村务监督委员会）"
    ),
    "bad_province": "未知的省级行政区划代码“{value}”，应当是两位数字代码，如“33”",
    "bad_date": "应当是形如2026-05-10的日期",
    "bad_mode": "应当是all_voters（全体选民）、households（户代表）或representatives（居民代表）",
    "mode_not_residents": "只有居民委员会选举可以设置选举方式",
    "bad_meeting": "应当是members（党员大会）或committee（党组织委员会全体会议选举书记、副书记）",
    "meeting_not_party": "只有党组织选举可以设置meeting（选举会议）",
    # tally(poll, profile=...) with the rules of another body, mode or meeting.
    "profile_mismatch": "计票规则适用于{given}，与本次投票（{expected}）不符",
    # An election day before the earliest text the engine carries for the body.
    "text_not_carried": (
        "本系统未收录选举日{day}施行的{law}文本（收录的最早文本为{earliest}，自{since}起施行），"
        "无法适用"
    ),
    "bad_poll": "应当是first（第一次投票）、supplementary（另行选举）或runoff（再次投票）",
    "bad_post": "{body}选举没有“{post}”职位，可以是：{allowed}",
    "duplicate_post": "职位“{post}”重复",
    "post_not_in_poll": "本次投票没有“{post}”职位",
    "single_seat": "{post}只能设一名",
    "committee_too_large": "{rule}（{article}），本次共{size}人",
    "committee_too_small": "{rule}（{article}），本次共{size}人",
    "committee_seats_out_of_range": "{rule}（{article}），委员会职数为{size}人",
    "seats_over_committee": (
        "本次应选{seats}名，加上已当选的{before}名，共{total}名，超过委员会职数{committee}名"
    ),
    "bad_sex": "应当是M（男）或F（女）",
    "duplicate_name": "姓名“{name}”重复",
    "voted_over_electorate": "参加投票人数（{voted}）不能超过{electorate_name}（{electorate}）",
    "duplicate_on_ballot": "“{name}”在同一职位上重复出现",
    "invalid_with_names": "标为无效票的选票不应再列出姓名",
    # Party ballots with yes / no / abstain marks (RULES.md P7).
    "marks_not_party": "只有党组织选举的选票可以填写赞成、不赞成、弃权和另选他人",
    "marks_need_post": "本次投票有{count}个职位，赞成、不赞成、弃权和另选他人应当按职位分别填写",
    "marks_with_posts": "赞成、不赞成、弃权和另选他人不能与按职位填写的姓名同时使用",
    "marked_twice": "“{name}”在同一职位上有两种标记",
    "not_a_candidate": "“{name}”不是本次投票{post}的候选人，另选他人应当填在write_in中",
    "write_in_is_candidate": "“{name}”是{post}的候选人，不是另选他人",
    "marks_need_candidates": "填写赞成、不赞成、弃权的选票，本次投票应当列出候选人",
    "runoff_needs_candidates": "再次投票应当列出票数相等、参加再次投票的候选人",
    "meeting_posts": "党组织委员会全体会议只选举书记、副书记",
    # A tally sheet's totals (计票结果报告单) in `counted`.
    "counted_over_valid": "得{votes}票，多于有效票{valid}张",
    "counted_over_seats": "{post}应选{seats}名，得票合计{total}票，多于{seats}×{valid}张有效票",
    "counted_with_transfer": (
        "{article}规定高职位的得票计入低职位，每张选票对同一人只计一次，须逐票录入选票，"
        "不能只录入计票结果报告单的合计数"
    ),
    "duplicate_box": "流动票箱“{box}”重复",
    "root_not_object": "投票文件应当是一个JSON对象",
    "not_json": "投票文件不是有效的JSON（第{line}行第{column}列）",
    "too_deep": "投票文件嵌套过深，不是有效的投票文件",
    "not_utf8": "投票文件不是UTF-8编码的文本",
    "empty_file": "投票文件是空的",
    "lone_surrogate": "投票文件含有无效的Unicode转义（单独的代理项，如\\ud800）",
    "number_too_long": "投票文件中有位数过多的数字，不是有效的投票文件",
    "cannot_read": "无法读取投票文件“{path}”：{reason}",
    # A first poll's candidate list that breaks the 差额 of RULES.md (V8, P3, §5): the message of
    # candidates.candidate_count_check and its article.
    "candidate_count": "{message}（{article}）",
    "usage": "用法：huanjie tally FILE|-（FILE为投票文件，-表示从标准输入读取）",
}

# Notes said in a tally's `rules` list when no article applies directly.
NOTES: Final = {
    "no_province_profile": "本系统未收录{province}的选举办法，仅适用全国性法律",
    "no_province_for_body": "{source}不适用于{body}选举，仅适用全国性法律",
    "province_not_in_force": "{source}自{date}起施行，此前适用的文本本系统未收录，仅适用全国性法律",
    "residents_by_analogy": "{text}未规定投票有效和当选的票数，参照{village} 第十五条计算",
    "residents_before_2010": (
        "{text}未规定投票有效和当选的票数；选举日施行的村民委员会组织法文本本系统未收录，"
        "按过半数投票有效、获得参加投票的过半数选票当选、另行选举不少于三分之一计算（本系统的解释）"
    ),
    "party_1990": (
        "选举日在{since}前，适用{text}；其投票、计票和当选的规则与2020年条例相同（RULES.md P7至P11），"
        "条文序号不同，本系统引用整部暂行条例"
    ),
    "party_committee_meeting": (
        "党组织委员会全体会议以等额选举产生书记、副书记，报上级党组织批准（RULES.md P12，条文序号未核实）；"
        "到会委员超过全体委员的半数会议有效，是本系统的解读"
    ),
    "party_write_in_without_no": (
        "{article}：投不赞成票者可以另选他人，弃权者不能另选他人；另选他人多于不赞成票的选票无效"
    ),
    "supervision_by_analogy": (
        "村务监督委员会成员由村民会议或者村民代表会议推选产生，投票和当选按{article}的过半数规则计算"
    ),
    "no_woman_elected": "{article}：委员会成员中应当有妇女成员，当选人员中尚无妇女",
    "vacancy_may_stay": "{article}：当选人数已达{count}人，不足的名额可以暂缺",
    "vacancy_meeting_decides": "{article}：当选人数已达{count}人，是否另行选举由村民会议决定",
    "party_may_reduce": "{article}：当选人数接近应选名额的，也可以减少名额，不再进行选举",
    "write_in_review": "{article}：另选他人当选的，应当进行资格审查",
}

# Findings of the other rules (voters, proxies, candidates, recall, party quorum).
PROBLEMS: Final = {
    "under_age": "选举日未满{age}周岁（{date}年满）",
    "deprived": "依照法律被剥夺政治权利的人没有选举权和被选举权",
    "registered_elsewhere": "已在其他村（社区）登记参加选举，不得再参加本村（社区）选举",
    "no_category": "不属于法定的登记参加选举的情形",
    "absent_not_declared": "户籍在本村、不在本村居住的，须本人表示参加选举",
    "incomer_not_long_enough": "户籍不在本村的，须在本村居住{work}一年以上（{date}满一年）",
    "incomer_not_applied": "户籍不在本村的，须本人申请",
    "incomer_not_approved": "户籍不在本村的，须经村民会议或者村民代表会议同意",
    "worker_not_long_enough": "社区工作者须在本社区工作六个月以上（{date}满六个月）",
    "worker_not_applied": "社区工作者须本人申请",
    "list_late": "选民名单应当在选举日的{days}日前公布，即不迟于{date}",
    "objection_late": "申诉应当自名单公布之日起{days}日内提出，即不迟于{date}",
    "proxy_not_allowed": "{reason}，不实行委托投票",
    "proxy_not_registered": "受委托人应当是本村（社区）登记参加选举的选民",
    "proxy_not_relative": "受委托人应当是委托人的近亲属",
    "proxy_over_cap": "每一受委托人接受委托不得超过{cap}人，已接受{held}人",
    "proxy_candidate": "候选人不得接受委托投票",
    "proxy_late": "委托投票手续应当在选举日的{days}日前办理，即不迟于{date}",
    "proxy_redelegated": "受委托人不得再委托他人",
    "size_out_of_range": "{body}由{low}至{high}人组成，现为{size}人",
    "too_few_candidates": "{post}应选{seats}名，候选人应当{allowed}，现为{count}名",
    "too_many_candidates": "{post}应选{seats}名，候选人应当{allowed}，现为{count}名",
    "barred": "{condition}的，不得作为候选人",
    "motion_short": "罢免要求须有{share}联名，现为{signers}/{whole}",
    "exclusion_not_approved": "“{reason}”的党员不计入应到会人数，须经上级党组织同意并经党员大会通过",
}

# The number of candidates a post's 差额 allows, as said in the two messages above.
CANDIDATE_RANGE: Final = {
    "at_least": "不少于{low}名",
    "exactly": "为{low}名",
    "between": "为{low}至{high}名",
}

BARS: Final = {
    "expelled_from_party": "被开除中国共产党党籍",
    "criminal_punishment": "因犯罪受过刑事处罚",
    "clan_or_gang": "利用宗族或者黑恶势力从事非法活动",
    "gang": "利用黑恶势力从事非法活动",
    "illegal_religion_or_cult": "组织或者参加非法宗教活动或者邪教活动",
}


# The engine's reasons a poll is void (huanjie.rules.tally `reasons`), in words: the record
# sheet, `huanjie verify` and a by-election's record say them.
VOID_REASONS: Final = {
    # 村民委员会组织法(2025) 第十八条: 选举有效须登记参加选举的村民过半数投票.
    "turnout_not_over_half": "参加投票的人数未过半数",
    # 城市居民委员会组织法(2025) 第十九条: "超过三分之二的居民代表参加投票".
    "turnout_not_over_two_thirds": "参加投票的居民代表未超过三分之二",
    # 中国共产党基层组织选举工作条例 第二十六条: 到会人数超过应到会人数的五分之四，会议有效.
    "quorum_not_met": "到会人数未超过应到会人数的五分之四",
    # 村民委员会选举规程(民发〔2013〕76号): 收回的选票多于发出的选票，选举无效.
    "ballots_exceed_issued": "收回选票多于发出选票",
    "ballots_exceed_voters": "收回选票多于投票人数",
}
