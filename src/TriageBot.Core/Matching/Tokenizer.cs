using System.Globalization;
using System.Text;
using TriageBot.Core.Knowledge.Curated;

namespace TriageBot.Core.Matching;

/// <summary>
/// Turns text in any of the catalog's languages into comparable tokens: lower case, words split at
/// punctuation, curated synonyms folded to one form ("log in", "login" -> "sign in"), a light
/// suffix stemmer for Latin-script words, stop words dropped. Chinese (and other CJK) text has no
/// spaces, so it becomes overlapping character pairs, which match across word boundaries; Chinese stop
/// words and product names are cut out first. A long word that is none of the curated words but two
/// of them joined (German compounds: "Zertifikatsproblem", "Serverfehler") is read as those two.
/// German spelling is folded (ä -> ae, ö -> oe, ü -> ue, ß -> ss: "Domaene", "weiss"), and a German word
/// that is a curated word with an inflection ending ("persönlichem", "vergessenen", "keiner") is read as that word.
/// </summary>
public sealed class Tokenizer
{
    private readonly HashSet<string> _stopWords;
    private readonly Dictionary<string, List<(string[] Variant, string[] Canonical)>> _phraseSynonyms = new(StringComparer.Ordinal);
    private readonly Dictionary<char, (string Variant, string Canonical)[]> _cjkSynonyms;
    private readonly Dictionary<char, string[]> _cjkBreaks;

    /// <summary>One-word synonym variants -> their one-word canonical form ("isnt" -> "not"), for the words of longer variants.</summary>
    private readonly Dictionary<string, string> _oneWordCanonical = new(StringComparer.Ordinal);

    /// <summary>Single curated words (synonym variants and canonical forms, stop words) -> the words they stand for.</summary>
    private readonly Dictionary<string, string[]> _compoundParts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _compoundPartsBySpan;

    /// <summary>Every Latin-script word of the curated data (any list, aliases too), the forms an inflected word is read back to.</summary>
    private readonly HashSet<string> _curatedWords = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _curatedWordsBySpan;

    /// <summary>The shortest part of a compound that is looked up, and so the shortest compound is twice that.</summary>
    private const int MinCompoundPart = 4;

    /// <summary>
    /// The shortest unknown last part of a compound that is kept as a word of its own after a curated first part
    /// ("Domänen|umstellung"), and the shortest such first part; shorter ones ("Server|raum", "down|loaded") leave the word whole.
    /// </summary>
    private const int MinUnknownTail = 5;

    /// <summary>German inflection endings, longest first: "persönlich|em", "keine|r", "Zertifikat|es".</summary>
    private static readonly string[] InflectionEndings = ["en", "em", "er", "es", "e", "n", "s"];

    /// <summary>The linking elements between the parts of a German compound ("Zertifikat|s|problem", "Domäne|n|name").</summary>
    private static readonly string[] LinkingElements = ["s", "n", "en", "es", "e"];

    public Tokenizer(CuratedData curated)
    {
        var cjkSynonyms = new List<(string Variant, string Canonical)>();
        _stopWords = new HashSet<string>(curated.StopWords.Select(w => ContainsCjk(w) ? w.ToLowerInvariant() : string.Concat(RawWords(w))), StringComparer.Ordinal);
        var curatedTexts = curated.StopWords
            .Concat(curated.Synonyms.SelectMany(kv => kv.Value.Append(kv.Key)))
            .Concat(curated.OffTopic).Concat(curated.InScope).Concat(curated.ProductNames).Concat(curated.ProblemWords)
            .Concat(curated.OffTopicIntents).Concat(curated.Questions)
            .Concat(curated.Concepts.Values.SelectMany(v => v))
            .Concat(curated.Aliases.Values.SelectMany(byLocale => byLocale.Values.SelectMany(v => v)));
        foreach (var text in curatedTexts.Where(t => !ContainsCjk(t)))
        {
            _curatedWords.UnionWith(RawWords(text).Where(w => w.Length >= MinCompoundPart));
        }
        _curatedWordsBySpan = _curatedWords.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (canonical, variants) in curated.Synonyms)
        {
            var canonicalWords = RawWords(canonical).ToArray();
            foreach (var variant in variants)
            {
                if (ContainsCjk(variant))
                {
                    cjkSynonyms.Add((variant.ToLowerInvariant(), canonical.ToLowerInvariant()));
                    continue;
                }
                var words = RawWords(variant).ToArray();
                if (words.Length == 0)
                {
                    continue;
                }
                if (!_phraseSynonyms.TryGetValue(words[0], out var list))
                {
                    _phraseSynonyms[words[0]] = list = [];
                }
                list.Add((words, canonicalWords));
                if (words.Length == 1 && canonicalWords.Length == 1)
                {
                    _oneWordCanonical.TryAdd(words[0], canonicalWords[0]);
                }
            }
            // A single word of a synonym may also be a part of a compound: "Zertifikats|problem".
            foreach (var single in variants.Append(canonical).Where(v => !ContainsCjk(v)).Select(v => RawWords(v).ToArray()).Where(w => w.Length == 1))
            {
                AddCompoundPart(single[0], canonicalWords);
            }
        }
        foreach (var stop in _stopWords.Where(w => !ContainsCjk(w)))
        {
            AddCompoundPart(stop, [stop]);
        }
        // The words of the concepts are a user's own words: "Zeit|abweichung".
        foreach (var single in curated.Concepts.Values.SelectMany(v => v).Where(v => !ContainsCjk(v)).Select(v => RawWords(v).ToArray()).Where(w => w.Length == 1))
        {
            AddCompoundPart(single[0], single);
        }
        // So are the names of other systems: a compound with one says what it is about ("Zeiterfassungs|terminal", "Drucker|treiber").
        foreach (var single in curated.OffTopic.Where(v => !ContainsCjk(v)).Select(v => RawWords(v).ToArray()).Where(w => w.Length == 1))
        {
            AddCompoundPart(single[0], single);
        }
        _compoundPartsBySpan = _compoundParts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var list in _phraseSynonyms.Values)
        {
            list.Sort((a, b) => b.Variant.Length.CompareTo(a.Variant.Length));
        }
        // Chinese text is read once, left to right, trying the longest variant first at each character.
        _cjkSynonyms = cjkSynonyms
            .GroupBy(v => v.Variant[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(v => v.Variant.Length).ToArray());

        // Chinese stop words ("同事", "好像") and the Chinese part of a product name ("商務用 Skype") are
        // no words of the error: they are cut out of Chinese text, so that they neither count nor glue
        // their neighbours into pairs ("有商" in "沒有商務用 Skype").
        var breaks = new List<string>();
        foreach (var name in curated.ProductNames.Concat(curated.StopWords))
        {
            var run = new StringBuilder();
            foreach (var c in name + " ")
            {
                if (IsCjk(c))
                {
                    run.Append(c);
                }
                else if (run.Length > 0)
                {
                    breaks.Add(run.ToString());
                    run.Clear();
                }
            }
        }
        _cjkBreaks = breaks.Distinct(StringComparer.Ordinal)
            .GroupBy(b => b[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(b => b.Length).ToArray());
    }

    private void AddCompoundPart(string word, string[] meaning)
    {
        if (word.Length >= MinCompoundPart)
        {
            _compoundParts.TryAdd(word, meaning);
        }
    }

    /// <summary>The tokens of <paramref name="text"/> in order (duplicates kept).</summary>
    public List<string> Tokens(string text)
    {
        var result = new List<string>();
        AppendTokens(text, result);
        return result;
    }

    /// <summary>The distinct content tokens, for comparing documented messages with each other.</summary>
    public IEnumerable<string> ContentWords(string text) => Tokens(text).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Appends the tokens of <paramref name="text"/> to <paramref name="into"/>; the stop words it drops
    /// go to <paramref name="dropped"/> when given ("error" says little about which error, but that there is one).
    /// </summary>
    public void AppendTokens(string text, List<string> into, ICollection<string>? dropped = null)
    {
        var words = new List<string>();
        var cjk = new StringBuilder();
        var word = new StringBuilder();
        var normalized = IsAscii(text) ? text : text.Normalize(NormalizationForm.FormKC);

        void FlushWord()
        {
            if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        void FlushCjk()
        {
            if (cjk.Length == 0)
            {
                return;
            }
            FlushWords(words, into, dropped);
            var run = ReplaceCjkSynonyms(cjk.ToString());
            // The pieces between stop words and product names become character pairs (or a lone character).
            var start = 0;
            var i = 0;
            while (i <= run.Length)
            {
                var cut = i < run.Length ? BreakAt(run, i) : 0;
                if (i < run.Length && cut == 0)
                {
                    i++;
                    continue;
                }
                if (i - start == 1)
                {
                    into.Add(run.Substring(start, 1));
                }
                for (var k = start; k + 1 < i; k++)
                {
                    into.Add(run.Substring(k, 2));
                }
                i += Math.Max(cut, 1);
                start = i;
            }
            cjk.Clear();
        }

        foreach (var c in normalized)
        {
            if (IsCjk(c))
            {
                FlushWord();
                cjk.Append(c);
            }
            else if (char.IsLetterOrDigit(c))
            {
                FlushCjk();
                AppendFolded(word, char.ToLowerInvariant(c));
            }
            else if (c is '\'' or '\u2019' && word.Length > 0)
            {
                // "couldn't" -> "couldnt": the apostrophe belongs to the word.
            }
            else
            {
                FlushWord();
                FlushCjk();
            }
        }
        FlushWord();
        FlushCjk();
        FlushWords(words, into, dropped);
    }

    private string ReplaceCjkSynonyms(string run)
    {
        StringBuilder? replaced = null;
        var copied = 0;
        for (var i = 0; i < run.Length; i++)
        {
            if (!_cjkSynonyms.TryGetValue(run[i], out var candidates))
            {
                continue;
            }
            foreach (var (variant, canonical) in candidates)
            {
                if (StartsAt(run, i, variant))
                {
                    replaced ??= new StringBuilder(run.Length + 8);
                    replaced.Append(run, copied, i - copied).Append(canonical);
                    i += variant.Length - 1;
                    copied = i + 1;
                    break;
                }
            }
        }
        return replaced is null ? run : replaced.Append(run, copied, run.Length - copied).ToString();
    }

    /// <summary>The length of the stop word or product name that starts at <paramref name="index"/>, else 0.</summary>
    private int BreakAt(string run, int index)
    {
        if (_cjkBreaks.TryGetValue(run[index], out var cuts))
        {
            foreach (var cut in cuts)
            {
                if (StartsAt(run, index, cut))
                {
                    return cut.Length;
                }
            }
        }
        return 0;
    }

    private static bool StartsAt(string text, int index, string part) =>
        index + part.Length <= text.Length && string.CompareOrdinal(text, index, part, 0, part.Length) == 0;

    private void FlushWords(List<string> words, List<string> into, ICollection<string>? dropped)
    {
        for (var i = 0; i < words.Count; i++)
        {
            words[i] = Uninflected(words[i]);
        }
        for (var i = 0; i < words.Count; i++)
        {
            if (LongestSynonym(words, i) is var (length, canonical) && length > 0)
            {
                foreach (var c in canonical)
                {
                    Emit(c, into, dropped);
                }
                i += length - 1;
                continue;
            }
            if (words[i].Length >= 2 * MinCompoundPart && !_compoundParts.ContainsKey(words[i]) && !_stopWords.Contains(words[i]) &&
                SplitCompound(words[i], 3) is { } parts)
            {
                foreach (var part in parts)
                {
                    Emit(part, into, dropped);
                }
                continue;
            }
            Emit(words[i], into, dropped);
        }
        words.Clear();
    }

    /// <summary>
    /// The longest synonym variant that starts at <paramref name="i"/>, its words met as written or as the one-word synonym
    /// they stand for ("isn't set correctly" meets "not set correctly": "isnt" is a variant of "not"); 0 when none does.
    /// </summary>
    private (int Length, string[] Canonical) LongestSynonym(List<string> words, int i)
    {
        (int Length, string[] Canonical) best = (0, []);
        var first = words[i];
        var firstCanonical = OneWordCanonical(first);
        foreach (var key in firstCanonical is null ? [first] : (ReadOnlySpan<string>)[first, firstCanonical])
        {
            if (!_phraseSynonyms.TryGetValue(key, out var candidates))
            {
                continue;
            }
            foreach (var (variant, canonical) in candidates)
            {
                if (variant.Length > best.Length && i + variant.Length <= words.Count && Meets(words, i, variant))
                {
                    best = (variant.Length, canonical);
                }
            }
        }
        return best;

        bool Meets(List<string> words, int at, string[] variant)
        {
            for (var k = 0; k < variant.Length; k++)
            {
                var word = words[at + k];
                if (word != variant[k] && (variant.Length == 1 || (OneWordCanonical(word) != variant[k] && !Misspelt(word, variant[k], k))))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// Whether <paramref name="word"/> is <paramref name="expected"/>, a long word after the first of a longer variant, typed
    /// with one letter wrong, missing or extra ("nicht gefunen" for "nicht gefunden"): the words of a longer variant are
    /// folded before the matcher's own typo search can see them. The first word is matched as written: it is what starts
    /// the variant.
    /// </summary>
    private static bool Misspelt(string word, string expected, int index) =>
        index > 0 && expected.Length >= 6 && word.Length >= 5 && char.IsAsciiLetter(word[0]) && Distance(word, expected, 1) <= 1;

    /// <summary>The one-word canonical form of a one-word synonym variant ("isnt" -> "not"), else null.</summary>
    private string? OneWordCanonical(string word) => _oneWordCanonical.GetValueOrDefault(word);

    /// <summary>
    /// A word that is not curated but is a curated word with a German inflection ending ("persönlichem",
    /// "vergessenen", "keiner") -> that curated word; any other word as it is.
    /// </summary>
    private string Uninflected(string word)
    {
        if (word.Length <= MinCompoundPart || _curatedWords.Contains(word) || !char.IsAsciiLetter(word[0]))
        {
            return word;
        }
        foreach (var ending in InflectionEndings)
        {
            if (word.Length - ending.Length >= MinCompoundPart && word.EndsWith(ending, StringComparison.Ordinal) &&
                _curatedWordsBySpan.Contains(word.AsSpan(0, word.Length - ending.Length)))
            {
                return word[..^ending.Length];
            }
        }
        return word;
    }

    /// <summary>
    /// The curated words a compound is made of (at most <paramref name="depth"/> of them; a linking element
    /// after a part is allowed: "Zertifikats|problem", "Domänen|umstellung"), longest first part first; the last
    /// part may be inflected ("...|fehlern"), or unknown when it is long enough ("Domänen|umstellung" -> domain,
    /// umstellung); null when it is none.
    /// </summary>
    private List<string>? SplitCompound(ReadOnlySpan<char> word, int depth)
    {
        List<string>? headOnly = null;
        for (var cut = word.Length - MinCompoundPart; cut >= MinCompoundPart; cut--)
        {
            if (CompoundPart(word[..cut]) is not { } meaning)
            {
                continue;
            }
            var right = word[cut..];
            if (_compoundPartsBySpan.TryGetValue(right, out var rest) || _compoundPartsBySpan.TryGetValue(Uninflected(right.ToString()), out rest))
            {
                return [.. meaning, .. rest];
            }
            if (depth > 2 && SplitCompound(right, depth - 1) is { } more)
            {
                return [.. meaning, .. more];
            }
            // A curated first part before an unknown last one: the longest such first part, if nothing splits in full.
            if (headOnly is null && cut >= MinUnknownTail && right.Length >= MinUnknownTail && !meaning.All(_stopWords.Contains))
            {
                headOnly = [.. meaning, right.ToString()];
            }
        }
        return headOnly;
    }

    /// <summary>What a compound's first part means: a curated word, possibly followed by a linking element.</summary>
    private string[]? CompoundPart(ReadOnlySpan<char> left)
    {
        if (_compoundPartsBySpan.TryGetValue(left, out var meaning))
        {
            return meaning;
        }
        foreach (var link in LinkingElements)
        {
            if (left.Length - link.Length >= MinCompoundPart && left.EndsWith(link, StringComparison.Ordinal) &&
                _compoundPartsBySpan.TryGetValue(left[..^link.Length], out meaning))
            {
                return meaning;
            }
        }
        return null;
    }

    private void Emit(string word, List<string> into, ICollection<string>? dropped)
    {
        if (_stopWords.Contains(word))
        {
            dropped?.Add(word);
            return;
        }
        into.Add(Stem(word));
    }

    /// <summary>
    /// A deliberately light stemmer: both sides of every comparison go through it, so it only has
    /// to be consistent ("certificates", "certificate" -> "certificat"; "enabled", "enable" -> "enabl").
    /// </summary>
    internal static string Stem(string word)
    {
        if (word.Length < 5 || !char.IsAsciiLetter(word[0]))
        {
            return word;
        }
        var w = word;
        if (w.EndsWith("ing", StringComparison.Ordinal) && w.Length >= 7)
        {
            w = w[..^3];
        }
        else if (w.EndsWith("ed", StringComparison.Ordinal) && w.Length >= 6)
        {
            w = w[..^2];
        }
        else if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length >= 6)
        {
            w = w[..^3] + "y";
        }
        else if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("is", StringComparison.Ordinal))
        {
            w = w[..^1];
        }
        if (w.Length >= 5 && w.EndsWith('e'))
        {
            w = w[..^1];
        }
        return w;
    }

    /// <summary>
    /// Lower-case letters and digits with single spaces between runs of them, apostrophes dropped ("don't": dont);
    /// German spelling folded when <paramref name="foldGerman"/> (see <see cref="AppendFolded"/>). A trailing space
    /// stays where the text ends in punctuation.
    /// </summary>
    internal static string Normalize(string text, bool foldGerman)
    {
        var result = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                var lower = char.ToLowerInvariant(c);
                if (foldGerman)
                {
                    AppendFolded(result, lower);
                }
                else
                {
                    result.Append(lower);
                }
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

    /// <summary>Appends a lower-case letter with German spelling folded: ä -> ae, ö -> oe, ü -> ue, ß -> ss.</summary>
    private static void AppendFolded(StringBuilder word, char c)
    {
        var folded = c switch { 'ä' => "ae", 'ö' => "oe", 'ü' => "ue", 'ß' => "ss", _ => null };
        if (folded is null)
        {
            word.Append(c);
        }
        else
        {
            word.Append(folded);
        }
    }

    private static IEnumerable<string> RawWords(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                AppendFolded(sb, c);
            }
            else if (c is '\'' or '\u2019')
            {
            }
            else if (sb.Length > 0)
            {
                yield return sb.ToString();
                sb.Clear();
            }
        }
        if (sb.Length > 0)
        {
            yield return sb.ToString();
        }
    }

    private static bool IsAscii(string text)
    {
        foreach (var c in text)
        {
            if (c > 127)
            {
                return false;
            }
        }
        return true;
    }

    public static bool ContainsCjk(string text) => text.Any(IsCjk);

    /// <summary>Han ideographs (CJK unified, extension A, compatibility), kana and Hangul.</summary>
    public static bool IsCjk(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF'
            or >= '\u3040' and <= '\u30FF' or >= '\uAC00' and <= '\uD7AF';

    internal static UnicodeCategory Category(char c) => CharUnicodeInfo.GetUnicodeCategory(c);

    /// <summary>Optimal string alignment distance (adjacent transpositions count once), cut off above <paramref name="max"/>.</summary>
    internal static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }
        // Three rolling rows are enough for adjacent transpositions.
        Span<int> buffer = stackalloc int[3 * (b.Length + 1)];
        var before = buffer[..(b.Length + 1)];
        var previous = buffer.Slice(b.Length + 1, b.Length + 1);
        var current = buffer.Slice(2 * (b.Length + 1), b.Length + 1);
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
                }
            }
            var recycled = before;
            before = previous;
            previous = current;
            current = recycled;
        }
        return previous[b.Length];
    }
}
