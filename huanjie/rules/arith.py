"""Integer arithmetic of the election laws: shares of a whole, never floats.

The laws speak of "过半数" (more than half), "超过三分之二", "超过…五分之四" and "不少于…三分之一" or
"五分之一以上". A `Share` holds such a fraction and whether it must be exceeded (strict) or only
reached. "以上" includes the number itself (民法典 第一千二百五十九条: "以上、以下、以内、届满，包括本数").

>>> HALF.met(501, 1000), HALF.met(500, 1000), HALF.met(500, 999)
(True, False, True)
>>> HALF.smallest(620)
311
>>> THIRD.met(200, 600), THIRD.smallest(600), THIRD.smallest(601)
(True, 200, 201)
>>> FOUR_FIFTHS.met(40, 50), FOUR_FIFTHS.met(41, 50)
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass

_CN_DIGITS = "零一二三四五六七八九"
_CN_FRACTIONS = {2: "二", 3: "三", 4: "四", 5: "五", 10: "十"}


def ceil_div(a: int, b: int) -> int:
    """The smallest integer not below a / b, for non-negative a and positive b.

    >>> ceil_div(7, 5), ceil_div(10, 5), ceil_div(0, 3)
    (2, 2, 0)
    """
    return -(-a // b)


@dataclass(frozen=True)
class Share:
    """num/den of a whole; `strict` means it must be exceeded ("超过", "过半数"), otherwise reached
    ("不少于", "以上")."""

    num: int
    den: int
    strict: bool

    def met(self, part: int, whole: int) -> bool:
        """Whether `part` meets this share of `whole`.

        >>> Share(2, 3, True).met(41, 60), Share(2, 3, True).met(40, 60)
        (True, False)
        """
        if self.strict:
            return self.den * part > self.num * whole
        return self.den * part >= self.num * whole

    def smallest(self, whole: int) -> int:
        """The smallest part that meets this share of `whole`.

        >>> HALF.smallest(500), HALF.smallest(999), THIRD.smallest(0), FIFTH.smallest(1001)
        (251, 500, 0, 201)
        """
        if self.strict:
            return self.num * whole // self.den + 1
        return ceil_div(self.num * whole, self.den)

    def describe(self) -> str:
        """The share as the law words it.

        >>> HALF.describe(), THIRD.describe(), FOUR_FIFTHS.describe(), FIFTH.describe()
        ('过半数', '不少于三分之一', '超过五分之四', '五分之一以上')
        """
        if (self.num, self.den, self.strict) == (1, 2, True):
            return "过半数"
        den = _CN_FRACTIONS.get(self.den, str(self.den))
        num = _CN_DIGITS[self.num] if self.num < 10 else str(self.num)
        fraction = f"{den}分之{num}"
        if self.strict:
            return f"超过{fraction}"
        if self.num == 1 and self.den == 3:
            return f"不少于{fraction}"
        return f"{fraction}以上"


# "过半数": 2 * x > n (RULES.md §7.1; 村民委员会组织法(2025) 第十八条).
HALF = Share(1, 2, True)
# "不得少于…三分之一": 3 * x >= n (RULES.md §7.2; 村民委员会组织法(2025) 第十八条).
THIRD = Share(1, 3, False)
# "超过三分之二": 3 * x > 2 * n (城市居民委员会组织法(2025) 第十九条).
TWO_THIRDS = Share(2, 3, True)
# "超过应到会人数的五分之四": 5 * x > 4 * n (中国共产党基层组织选举工作条例 第二十六条).
FOUR_FIFTHS = Share(4, 5, True)
# "五分之一以上": 5 * x >= n (村民委员会组织法(2025) 第十九条).
FIFTH = Share(1, 5, False)
# "十分之一以上": 10 * x >= n (城市居民委员会组织法(2025) 第二十条).
TENTH = Share(1, 10, False)


def chinese_numeral(n: int) -> str:
    """An article number as written in Chinese law, 1 to 999.

    >>> [chinese_numeral(n) for n in (1, 10, 11, 18, 20, 27, 100, 105, 110, 1259 - 1000)]
    ['一', '十', '十一', '十八', '二十', '二十七', '一百', '一百零五', '一百一十', '二百五十九']
    """
    if not 0 < n < 1000:
        raise ValueError(f"article number out of range: {n}")
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    head = _CN_DIGITS[n // 100] + "百"
    rest = n % 100
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN_DIGITS[rest]
    if rest < 20:
        return head + "一" + chinese_numeral(rest)
    return head + chinese_numeral(rest)
