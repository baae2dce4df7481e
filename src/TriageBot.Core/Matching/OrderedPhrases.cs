namespace TriageBot.Core.Matching;

/// <summary>
/// Curated phrases found in a paste's own words, in order, with at most a few words between them ("ignore your previous
/// rules" meets "ignore rules"; "只回复" and "忽略 指令" in Chinese). For wordings whose words alone are too common to
/// say anything ("only", "see", "status", "offline"): their order does. Case, punctuation and German spelling
/// (ä/ö/ü/ß as ae/oe/ue/ss) do not matter.
/// </summary>
internal sealed class OrderedPhrases
{
    /// <summary>How many characters (about three words) may stand between two parts of a phrase.</summary>
    private const int MaxGap = 16;

    /// <summary>The phrases that start with a Latin-script word, by that word: a paste's words are looked up, not every phrase searched.</summary>
    private readonly Dictionary<string, List<string[]>> _byFirstWord = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string[]>>.AlternateLookup<ReadOnlySpan<char>> _byFirstWordSpan;

    /// <summary>The phrases that start with Chinese, searched in Chinese text only.</summary>
    private readonly string[][] _cjkFirst;

    /// <summary>
    /// Words that may not stand between two parts of a phrase (another system's name: in "Skype rein, Mail geht" the state is the
    /// mail's, not Skype's), unless one of <see cref="_joiners"/> stands there too ("Skype und Mail gehen"). Latin-script ones are
    /// whole words; Chinese ones are found anywhere in the gap.
    /// </summary>
    private readonly HashSet<string> _notBetween;
    private readonly string[] _cjkNotBetween;
    private readonly HashSet<string> _joiners;
    private readonly string[] _cjkJoiners;

    /// <summary>Whether a Latin-script part also stands for its plural (nouns: "meeting invite" in "meeting invites").</summary>
    private readonly bool _plurals;

    /// <param name="phrases">The curated phrases.</param>
    /// <param name="plurals">
    /// Whether a part of three letters or more also matches with a plural "s": for phrases of nouns only; a verb with an
    /// "s" is another word ("just say" must not meet "just hangs and says").
    /// </param>
    /// <param name="notBetween">Words that may not stand between two parts (see <see cref="_notBetween"/>).</param>
    /// <param name="joiners">Words that join two names ("and", "und", "和"): with one in the gap, <paramref name="notBetween"/> does not apply.</param>
    public OrderedPhrases(IEnumerable<string> phrases, bool plurals = false, IEnumerable<string>? notBetween = null, IEnumerable<string>? joiners = null)
    {
        _plurals = plurals;
        (_notBetween, _cjkNotBetween) = Split(notBetween);
        (_joiners, _cjkJoiners) = Split(joiners);
        var all = phrases.Select(Parts).Where(p => p.Length > 0 && p[0] != ClauseEnd).ToList();
        _cjkFirst = all.Where(p => Tokenizer.ContainsCjk(p[0])).ToArray();
        foreach (var phrase in all.Where(p => !Tokenizer.ContainsCjk(p[0])))
        {
            if (!_byFirstWord.TryGetValue(phrase[0], out var list))
            {
                _byFirstWord[phrase[0]] = list = [];
            }
            list.Add(phrase);
        }
        _byFirstWordSpan = _byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A phrase's parts as they are matched; a last part "$" stays: the phrase must end its clause (see <see cref="ClauseEnd"/>).</summary>
    private static string[] Parts(string phrase)
    {
        var trimmed = phrase.TrimEnd();
        var endsClause = trimmed.EndsWith(" $", StringComparison.Ordinal);
        var parts = Normalize(endsClause ? trimmed[..^2] : trimmed).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return endsClause && parts.Length > 0 ? [.. parts, ClauseEnd] : parts;
    }

    /// <summary>
    /// A phrase's last part "$": nothing but the end of its clause or sentence may follow, and its parts stand side by side ("不是 skype $"
    /// meets "（不是 Skype）" and "不是 Skype，是 Outlook", not "是不是 Lync 伺服器" nor "已经不是 Skype 在线用户"; "not skype $" meets "Not Skype,
    /// just the VPN", not "'Sign-in address not found' in Lync"). In a text with no clause marks (<see cref="Normalize"/>, not
    /// <see cref="NormalizeClauses"/>) it meets anything: such a text only tells whether to look closer.
    /// </summary>
    private const string ClauseEnd = "$";

    private static (HashSet<string> Latin, string[] Cjk) Split(IEnumerable<string>? words)
    {
        var all = (words ?? []).Select(Normalize).Where(w => w.Length > 0 && !w.Contains(' ', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        return (all.Where(w => !Tokenizer.ContainsCjk(w)).ToHashSet(StringComparer.Ordinal), [.. all.Where(Tokenizer.ContainsCjk)]);
    }

    /// <summary>
    /// Whether <paramref name="normalized"/> (a paste passed through <see cref="Normalize"/>) contains one of the phrases;
    /// with <paramref name="notFollowedBy"/>, only where none of those is among the next few words ("Skype funktioniert noch" is no
    /// statement that it works when "nicht" follows, nor "Skype geht daher nicht"); with <paramref name="notPrecededBy"/>, a Chinese part counts only where none
    /// of those stands right before it ("Skype 不能正常登录" and "Skype 无法正常登录" do not say "能正常登录").
    /// </summary>
    public bool AnyIn(string normalized, IReadOnlySet<string>? notFollowedBy = null, string[]? notPrecededBy = null) =>
        FirstIn(normalized, notFollowedBy, notPrecededBy) is not null;

    /// <summary>The first phrase <see cref="AnyIn"/> finds, as curated (its parts joined by spaces), or null.</summary>
    public string? FirstIn(string normalized, IReadOnlySet<string>? notFollowedBy = null, string[]? notPrecededBy = null)
    {
        if (_byFirstWord.Count > 0)
        {
            var start = -1;
            for (var i = 0; i <= normalized.Length; i++)
            {
                var inWord = i < normalized.Length && normalized[i] != ' ' && !Tokenizer.IsCjk(normalized[i]);
                if (inWord && start < 0)
                {
                    start = i;
                }
                else if (!inWord && start >= 0)
                {
                    if (_byFirstWordSpan.TryGetValue(normalized.AsSpan(start, i - start), out var phrases))
                    {
                        foreach (var phrase in phrases)
                        {
                            // The first word stands at start, whole: the rest must follow it.
                            if (Follows(phrase, normalized, 1, i, notFollowedBy, notPrecededBy))
                            {
                                return string.Join(' ', phrase);
                            }
                        }
                    }
                    start = -1;
                }
            }
        }
        if (_cjkFirst.Length > 0 && Tokenizer.ContainsCjk(normalized))
        {
            foreach (var phrase in _cjkFirst)
            {
                if (Follows(phrase, normalized, 0, 0, notFollowedBy, notPrecededBy))
                {
                    return string.Join(' ', phrase);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the parts of <paramref name="phrase"/> from <paramref name="part"/> on stand in <paramref name="text"/> after
    /// <paramref name="from"/> (where the part before ends), each within <see cref="MaxGap"/> characters of the one before:
    /// only that window is searched, so a long log costs no search to its end per word. The first part may stand anywhere.
    /// </summary>
    private bool Follows(string[] phrase, string text, int part, int from, IReadOnlySet<string>? notFollowedBy, string[]? notPrecededBy)
    {
        if (part == phrase.Length)
        {
            return notFollowedBy is null || !NegatedAfter(text, from, notFollowedBy);
        }
        var word = phrase[part];
        if (word is ClauseEnd)
        {
            return EndsClauseAt(text, from) && Follows(phrase, text, part + 1, from, notFollowedBy, notPrecededBy);
        }
        // A phrase that ends its clause ("不是 skype $", "not skype $") is a short statement of its own: its parts stand side by side.
        var gap = phrase[^1] is ClauseEnd ? 1 : MaxGap;
        var end = part == 0 ? text.Length : Math.Min(text.Length, from + gap + word.Length);
        for (var i = IndexOf(text, word, from, end); i >= 0; i = IndexOf(text, word, i + 1, end))
        {
            if (IsWhole(text, i, word.Length, _plurals) && !Negated(text, i, notPrecededBy) && (part == 0 || (OpenGap(text, from, i, word) && !ChineseBefore(phrase[part - 1], word, text, from, i))) &&
                Follows(phrase, text, part + 1, i + word.Length, notFollowedBy, notPrecededBy))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether the gap between two parts holds no clause end with words beside it (<see cref="NormalizeClauses"/>), and none of
    /// <see cref="_notBetween"/>, or a joiner beside it: in the gap, or a Chinese one
    /// that starts the <paramref name="next"/> part ("Skype、邮箱都正常": 都, all of them).
    /// </summary>
    private bool OpenGap(string text, int from, int to, string next)
    {
        if (to - from < 2)
        {
            return true;
        }
        var gap = text.AsSpan(from, to - from);
        if (gap.Contains(SentenceMark) || (gap.Contains(ClauseMark) && gap.Trim(' ').Length > 1))
        {
            // A sentence ended between the parts, or a clause with other words: each part belongs to its own.
            return false;
        }
        if (_notBetween.Count == 0 && _cjkNotBetween.Length == 0)
        {
            return true;
        }
        if (!Holds(gap, _notBetween, _cjkNotBetween) || Holds(gap, _joiners, _cjkJoiners))
        {
            return true;
        }
        foreach (var joiner in _cjkJoiners)
        {
            if (next.StartsWith(joiner, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;

        static bool Holds(ReadOnlySpan<char> gap, HashSet<string> latin, string[] cjk)
        {
            foreach (var word in cjk)
            {
                if (gap.Contains(word, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            if (latin.Count > 0)
            {
                var lookup = latin.GetAlternateLookup<ReadOnlySpan<char>>();
                foreach (var range in gap.Split(' '))
                {
                    if (gap[range].Length > 0 && lookup.Contains(gap[range]))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /// <summary>Whether only spaces, then a clause or sentence mark or the text's end, follow <paramref name="at"/>; or the text has no marks.</summary>
    private static bool EndsClauseAt(string text, int at)
    {
        var rest = text.AsSpan(at).TrimStart(' ');
        return rest.IsEmpty || rest[0] is ClauseMark or SentenceMark || !text.AsSpan().ContainsAny(ClauseMark, SentenceMark);
    }

    /// <summary>
    /// Whether Chinese stands between a Chinese part and the Latin-script part after it: a Chinese word and the name it says something
    /// of stand side by side ("不是 Skype", "跟 Skype 无关"); "不是第三方 CA 发的 Skype" or "是不是因为我们的 Skype" says no "不是 Skype".
    /// </summary>
    private static bool ChineseBefore(string previous, string word, string text, int from, int to)
    {
        if (!Tokenizer.IsCjk(previous[^1]) || Tokenizer.IsCjk(word[0]))
        {
            return false;
        }
        foreach (var c in text.AsSpan(from, to - from))
        {
            if (Tokenizer.IsCjk(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether a Chinese part at <paramref name="at"/> has one of <paramref name="negations"/> right before it.</summary>
    private static bool Negated(string text, int at, string[]? negations)
    {
        if (negations is null || !Tokenizer.IsCjk(text[at]))
        {
            return false;
        }
        var before = text.AsSpan(0, at).TrimEnd(' ');
        foreach (var negation in negations)
        {
            if (before.EndsWith(negation, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Where <paramref name="word"/> starts in <paramref name="text"/> between <paramref name="from"/> and <paramref name="end"/>, else -1.</summary>
    private static int IndexOf(string text, string word, int from, int end) =>
        end - from < word.Length ? -1 : text.IndexOf(word, from, end - from, StringComparison.Ordinal);

    /// <summary>How many words after a statement a negation still turns it round: German puts it at the clause's end ("Skype-Login geht für
    /// die neue Domain noch nicht").</summary>
    private const int NegationReach = 8;

    /// <summary>
    /// Whether one of <paramref name="negations"/> is among the <see cref="NegationReach"/> Latin-script words after <paramref name="end"/>,
    /// before a clause ends or another system is named ("Skype-Login geht deshalb bei vielen nicht", not "Skype geht. Outlook nicht" nor
    /// "Skype works but Outlook does not").
    /// </summary>
    private bool NegatedAfter(string text, int end, IReadOnlySet<string> negations)
    {
        for (var n = 0; n < NegationReach && end < text.Length; n++)
        {
            var word = NextWord(text, end);
            if (word.Length == 0 || word[0] is ClauseMark or SentenceMark || _notBetween.Contains(word))
            {
                // The clause ended, or another system is named: a negation after it is that system's ("Skype works but Outlook does not").
                return false;
            }
            if (negations.Contains(word))
            {
                return true;
            }
            if (Tokenizer.IsCjk(word[0]))
            {
                // Chinese negates before what it negates (see notPrecededBy): only the character right after counts, as before.
                return false;
            }
            end = text.IndexOf(word, end, StringComparison.Ordinal) + word.Length;
        }
        return false;
    }

    /// <summary>The Latin-script word that starts after <paramref name="end"/> and its spaces, or the Chinese character there.</summary>
    private static string NextWord(string text, int end)
    {
        while (end < text.Length && text[end] == ' ')
        {
            end++;
        }
        if (end < text.Length && Tokenizer.IsCjk(text[end]))
        {
            return text.Substring(end, 1);
        }
        var start = end;
        while (end < text.Length && text[end] != ' ' && !Tokenizer.IsCjk(text[end]))
        {
            end++;
        }
        return text[start..end];
    }

    /// <summary>
    /// A Latin-script part is a whole word ("only" is not in "commonly"), or with <paramref name="plurals"/> a word of three
    /// letters or more with a plural "s" ("meeting invite" in "meeting invites"); a Chinese one may stand anywhere.
    /// </summary>
    private static bool IsWhole(string text, int start, int length, bool plurals)
    {
        if (Tokenizer.IsCjk(text[start]))
        {
            return true;
        }
        var end = start + length;
        return (start == 0 || text[start - 1] == ' ' || Tokenizer.IsCjk(text[start - 1])) &&
               (EndsWord(text, end) || (plurals && length >= 3 && end < text.Length && text[end] == 's' && EndsWord(text, end + 1)));

        static bool EndsWord(string text, int at) => at == text.Length || text[at] == ' ' || Tokenizer.IsCjk(text[at]);
    }

    /// <summary>A paste or phrase as the phrases are matched: <see cref="Tokenizer.Normalize"/> with German spelling folded.</summary>
    public static string Normalize(string text) => Tokenizer.Normalize(text, foldGerman: true);

    /// <summary>Stands where a clause ended at a comma or semicolon, in <see cref="NormalizeClauses"/>'s text: a part is not found past it with
    /// other words between.</summary>
    private const char ClauseMark = '\u2029';

    /// <summary>Stands where a sentence ended (full stop, question or exclamation mark, line break): no part is found past it.</summary>
    private const char SentenceMark = '\u2028';

    /// <summary>
    /// <see cref="Normalize"/>, clause by clause, a mark between: at a comma or semicolon (Latin or Chinese) a clause ends, at a full stop,
    /// question or exclamation mark or a line break a sentence; not at the Chinese list comma (、: "Skype、邮箱都正常" is one statement),
    /// nor at a full stop inside a word (an address, a version). Two parts of a phrase are then found only within a clause, or side by
    /// side across a comma ("funktioniert alles, auch Skype"), never across a sentence's end ("in skype?? teams works fine"). A question's
    /// last clause is left out: it states nothing ("How long until Skype sign-in works?").
    /// </summary>
    /// <param name="abbreviations">Abbreviations whose full stop ends no sentence ("Skype usw. geht alles"; curated <c>abbreviations</c>),
    /// case ignored; none: every full stop before a space ends one.</param>
    public static string NormalizeClauses(string text, HashSet<string>? abbreviations = null)
    {
        var abbreviated = abbreviations?.GetAlternateLookup<ReadOnlySpan<char>>();
        var result = new System.Text.StringBuilder(text.Length + 8);
        var start = 0;
        // The strongest end met since the last clause written: a sentence's end outweighs a comma's.
        var pending = ClauseMark;
        for (var i = 0; i <= text.Length; i++)
        {
            var mark = i == text.Length ? SentenceMark : EndOf(text, i, abbreviated);
            if (mark == '\0')
            {
                continue;
            }
            var clause = Normalize(WithoutAddresses(text[start..i]));
            // A question states nothing: its last clause is left out ("How long until Skype sign-in works?" says no "Skype works";
            // "Skype works fine, why does Outlook ...?" still says it of Skype).
            if (i < text.Length && text[i] is '?' or '？')
            {
                clause = "";
            }
            if (clause.Length > 0)
            {
                if (result.Length > 0)
                {
                    result.Append(' ').Append(pending).Append(' ');
                }
                result.Append(clause);
                pending = mark;
            }
            else if (mark == SentenceMark)
            {
                pending = SentenceMark;
            }
            start = i + 1;
        }
        // The text's end is a sentence's end too: a text of one clause still shows it was split (see ClauseEnd).
        return result.Length == 0 ? "" : result.Append(' ').Append(SentenceMark).ToString();

        // A host, address or path says nothing of what works: "lync.adventure-works.de" is no "Lync works".
        static string WithoutAddresses(string clause)
        {
            if (!clause.AsSpan().ContainsAny('.', '@', '/') && !clause.Contains('\\'))
            {
                return clause;
            }
            return string.Join(' ', clause.Split([' ', '\t']).Where(word => !IsAddress(word.AsSpan().Trim("\"'()[]<>"))));
        }

        static bool IsAddress(ReadOnlySpan<char> word)
        {
            for (var i = 1; i < word.Length - 1; i++)
            {
                if (word[i] is '.' or '@' or '/' or '\\' && char.IsLetterOrDigit(word[i - 1]) && char.IsLetterOrDigit(word[i + 1]))
                {
                    return true;
                }
            }
            return false;
        }

        static char EndOf(string text, int i, HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? abbreviated) => text[i] switch
        {
            ',' or ';' or '，' or '；' => ClauseMark,
            '!' or '?' or '\n' or '\r' or '。' or '！' or '？' => SentenceMark,
            '.' => (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])) && !AfterAbbreviation(text, i, abbreviated) ? SentenceMark : '\0',
            _ => '\0',
        };

        // "Skype usw. geht alles", "Teams etc. work fine": the full stop of an abbreviation ends no sentence.
        static bool AfterAbbreviation(string text, int dot, HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? abbreviated)
        {
            if (abbreviated is not { } known)
            {
                return false;
            }
            var start = dot;
            while (start > 0 && char.IsLetter(text[start - 1]))
            {
                start--;
            }
            return dot > start && known.Contains(text.AsSpan(start, dot - start));
        }
    }
}
