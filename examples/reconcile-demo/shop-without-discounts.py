"""A cart that counts money in cents. Discount codes are not implemented yet."""


class Cart:
    def __init__(self):
        self.lines = []

    def add(self, item, count, price_cents):
        self.lines.append((item, count, price_cents))

    def use_code(self, code):
        pass

    def total(self):
        return sum(count * price for _, count, price in self.lines)
