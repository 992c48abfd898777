"""A one-sentence article and the single-strategy answer that grounds in it (shared fixture)."""

PROSE = (
    "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Islamabad pada hari Rabu untuk "
    "pembicaraan dua hari dengan mitranya, kata juru bicara kementerian kepada wartawan."
)
ANSWER = {
    "visits": [],
    "agreements": [],
    "statements": [{"speaker": "Sergey Lavrov", "content": "arrived", "sentences": [1]}],
    "quotes": [],
}
