"""Every channel and state has its words in every table that prints it, the letter's own
table too (letters takes plain data and keeps the words of its sentences; a complaint from
SP4N-LAPOR! once got a letter saying "melalui lapor")."""

from letters.render import CHANNEL_PHRASE
from sop.terms import CHANNEL_IN_LETTER, CHANNEL_WORDS, CHANNELS, STATE_WORDS, STATES


def test_every_channel_has_its_words_in_every_table():
    """CHANNELS are those staff may record by hand; mail and the public form bring their own
    (email, web), and every table names them all alike."""
    assert set(CHANNELS) <= set(CHANNEL_WORDS)
    for table in (CHANNEL_IN_LETTER, CHANNEL_PHRASE):
        assert set(table) == set(CHANNEL_WORDS), set(table) ^ set(CHANNEL_WORDS)
        assert all(words.strip() for words in table.values())


def test_every_state_has_its_words():
    assert set(STATE_WORDS) == set(STATES)
