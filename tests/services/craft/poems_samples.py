"""Hand-written and public-domain pieces the form tests share, each checked by hand.

Public domain: Shakespeare's Sonnet 18 (1609), Edward Lear's limerick (1846), Edwin
Arlington Robinson's villanelle "The House on the Hill" (1894). The rest were written for
these tests; syllable counts are given beside each line.
"""

from __future__ import annotations

OLD_POND = "An old silent pond\nA frog jumps into the pond—\nsplash! Silence again."  # 5 7 5

KETTLE = (
    "Cold rain on the roof\n"  # cold rain on the roof: 5
    "the kettle hums a low tune\n"  # the ket-tle hums a low tune: 7
    "my cat turns over"  # my cat turns o-ver: 5
)

HARBOUR_TANKA = (
    "Morning fog lifting\n"  # mor-ning fog lif-ting: 5
    "the harbour wakes to gull cries\n"  # the har-bour wakes to gull cries: 7
    "a boat slips its rope\n"  # 5
    "I think of the letter, still\n"  # I think of the let-ter, still: 7
    "folded in my coat pocket"  # fol-ded in my coat poc-ket: 7
)

LEAR = (
    "There was an Old Man with a beard,\n"
    "Who said, “It is just as I feared!\n"
    "Two Owls and a Hen,\n"
    "Four Larks and a Wren,\n"
    "Have all built their nests in my beard!”"
)

BAKER = (
    "A baker who worked through the night\n"
    "Made loaves that were fluffy and light;\n"
    "He would sing to the dough\n"
    "As he kneaded it slow,\n"
    "And the town woke to bread at first light."
)

SONNET_18 = """Shall I compare thee to a summer's day?
Thou art more lovely and more temperate:
Rough winds do shake the darling buds of May,
And summer's lease hath all too short a date;
Sometime too hot the eye of heaven shines,
And often is his gold complexion dimm'd;
And every fair from fair sometime declines,
By chance or nature's changing course untrimm'd;
But thy eternal summer shall not fade,
Nor lose possession of that fair thou ow'st;
Nor shall death brag thou wander'st in his shade,
When in eternal lines to time thou grow'st:
So long as men can breathe or eyes can see,
So long lives this, and this gives life to thee."""

HOUSE_ON_THE_HILL = """They are all gone away,
The House is shut and still,
There is nothing more to say.

Through broken walls and gray
The winds blow bleak and shrill:
They are all gone away.

Nor is there one to-day
To speak them good or ill:
There is nothing more to say.

Why is it then we stray
Around the sunken sill?
They are all gone away,

And our poor fancy-play
For them is wasted skill:
There is nothing more to say.

There is ruin and decay
In the House on the Hill:
They are all gone away,
There is nothing more to say."""

RIVER = (
    "Rushing past the stones\n"
    "In the early light\n"
    "Valleys fill with song\n"
    "Eddies spin and fold\n"
    "Running to the sea"
)


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def replace_line(text: str, number: int, new: str) -> str:
    """``text`` with its ``number``-th non-blank line (1-based) replaced, blank lines kept."""
    out: list[str] = []
    seen = 0
    for line in text.splitlines():
        if line.strip():
            seen += 1
            if seen == number:
                line = new
        out.append(line)
    return "\n".join(out)
