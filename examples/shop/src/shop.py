"""A cart that counts money in cents."""

CODES = {"TENOFF": 10}


class UnknownCode(Exception):
    pass


class Cart:
    def __init__(self):
        self.lines = []
        self.percent_off = 0

    def add(self, item, count, price_cents):
        self.lines.append((item, count, price_cents))

    def use_code(self, code):
        if code not in CODES:
            raise UnknownCode(f"unknown code: {code}")
        self.percent_off = CODES[code]

    def total(self):
        gross = sum(count * price for _, count, price in self.lines)
        return gross - gross * self.percent_off // 100
