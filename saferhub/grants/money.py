"""A fund's money, worked out from its awards in whole pence: what is committed, paid, spent, clawed back and
left. Pure arithmetic on integers, so every total reconciles to the penny; `selectors.fund_money` fills it in
from the records.

An award holds its money against the fund from the offer: what it grants (as offered, plus the variations
approved) less what was clawed back. A declined offer, and an offer not accepted by its date, hold nothing
(giving a lapsed offer longer takes the money again, if the fund still has it). A closed award holds only
what was paid and kept: its unpaid instalments go back to the fund.
"""

from dataclasses import dataclass

from saferhub.grants.models import AwardStatus


@dataclass(frozen=True)
class AwardMoney:
    status: str
    offered: int
    varied: int
    paid: int
    spent: int
    clawed_back: int
    lapsed: bool = False

    @property
    def granted(self) -> int:
        """What the project may be paid: the offer and every approved variation."""
        return self.offered + self.varied

    @property
    def committed(self) -> int:
        """What the award holds of the fund's money."""
        if self.status == AwardStatus.DECLINED or self.lapsed:
            return 0
        if self.status == AwardStatus.CLOSED:
            return self.paid - self.clawed_back
        return self.granted - self.clawed_back

    @property
    def unspent(self) -> int:
        """Money paid that the project has neither spent nor paid back: what a claw-back may recover."""
        return max(self.paid - self.spent - self.clawed_back, 0)


@dataclass(frozen=True)
class FundMoney:
    total: int
    awards: tuple[AwardMoney, ...]

    @property
    def committed(self) -> int:
        return sum(award.committed for award in self.awards)

    @property
    def paid(self) -> int:
        return sum(award.paid for award in self.awards)

    @property
    def spent(self) -> int:
        return sum(award.spent for award in self.awards)

    @property
    def clawed_back(self) -> int:
        return sum(award.clawed_back for award in self.awards)

    @property
    def remaining(self) -> int:
        """What the fund can still offer."""
        return self.total - self.committed
