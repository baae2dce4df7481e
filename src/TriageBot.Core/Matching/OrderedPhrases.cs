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

    private readonly string[][] _phrases;

    public OrderedPhrases(IEnumerable<string> phrases) =>
        _phrases = phrases.Select(p => Normalize(p).Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length > 0).ToArray();

    public bool IsEmpty => _phrases.Length == 0;

    /// <summary>Whether <paramref name="text"/> contains one of the phrases.</summary>
    public bool AnyIn(string text)
    {
        if (_phrases.Length == 0)
        {
            return false;
        }
        var normalized = Normalize(text);
        foreach (var phrase in _phrases)
        {
            if (Contains(phrase, normalized, 0, 0))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Contains(string[] phrase, string text, int part, int from)
    {
        var word = phrase[part];
        for (var i = text.IndexOf(word, from, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            if (part > 0 && i - from > MaxGap)
            {
                return false;
            }
            if (IsWhole(text, i, word.Length) && (part == phrase.Length - 1 || Contains(phrase, text, part + 1, i + word.Length)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A Latin-script part is a whole word ("only" is not in "commonly"); a Chinese one may stand anywhere.</summary>
    private static bool IsWhole(string text, int start, int length)
    {
        if (Tokenizer.IsCjk(text[start]))
        {
            return true;
        }
        var end = start + length;
        return (start == 0 || text[start - 1] == ' ' || Tokenizer.IsCjk(text[start - 1])) &&
               (end == text.Length || text[end] == ' ' || Tokenizer.IsCjk(text[end]));
    }

    /// <summary>Lower-case letters and digits, single spaces between runs of them, apostrophes dropped ("don't": dont).</summary>
    private static string Normalize(string text)
    {
        var result = new System.Text.StringBuilder(text.Length);
        var space = true;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                var lower = char.ToLowerInvariant(c);
                _ = lower switch
                {
                    'ä' => result.Append("ae"),
                    'ö' => result.Append("oe"),
                    'ü' => result.Append("ue"),
                    'ß' => result.Append("ss"),
                    _ => result.Append(lower),
                };
                space = false;
            }
            else if (c is not ('\'' or '\u2019') && !space)
            {
                result.Append(' ');
                space = true;
            }
        }
        return result.ToString();
    }
}
