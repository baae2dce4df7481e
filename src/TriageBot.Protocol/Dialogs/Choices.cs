using System.Globalization;
using System.Text.Json;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Dialogs;

/// <summary>One option of a <see cref="ChoicePrompt"/>.</summary>
public class Choice
{
    /// <summary>Creates an empty choice (for deserialization).</summary>
    public Choice()
    {
    }

    /// <summary>Creates a choice with its value and other words that select it.</summary>
    public Choice(string value, params IEnumerable<string> synonyms)
    {
        Value = value;
        Synonyms = synonyms.ToList();
    }

    /// <summary>The value returned when chosen; also what the default rendering shows.</summary>
    public string Value { get; set; } = string.Empty;

    /// <summary>Other words or phrases that select this choice.</summary>
    public IList<string>? Synonyms { get; set; }
}

/// <summary>The choice a <see cref="ChoicePrompt"/> recognised.</summary>
public class FoundChoice
{
    /// <summary>The chosen <see cref="Choice.Value"/>.</summary>
    public string Value { get; set; } = string.Empty;

    /// <summary>Position of the choice in the prompt's list.</summary>
    public int Index { get; set; }

    /// <summary>1 for an exact match (value, synonym or number); less when the choice was found inside a longer answer.</summary>
    public float Score { get; set; }

    /// <summary>The value, synonym or number the answer matched.</summary>
    public string? Synonym { get; set; }
}

/// <summary>Finds which choice an answer names.</summary>
public static class ChoiceRecognizer
{
    /// <summary>
    /// Recognises <paramref name="utterance"/> against <paramref name="choices"/>, case-insensitively:
    /// the whole answer equal to a value or synonym; or its number in the list ("1", "2", ...); or
    /// exactly one choice whose value or synonym appears in the answer as whole words ("we're on P",
    /// "不是的"; a longer phrase wins over a shorter one inside it). Null when nothing or more than one choice matches.
    /// </summary>
    public static FoundChoice? Recognize(string? utterance, IList<Choice> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var text = Normalize(utterance);
        if (text.Length == 0 || choices.Count == 0)
        {
            return null;
        }

        for (var i = 0; i < choices.Count; i++)
        {
            foreach (var term in Terms(choices[i]))
            {
                if (Normalize(term) == text)
                {
                    return Found(choices, i, 1f, term);
                }
            }
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= choices.Count)
        {
            return Found(choices, number - 1, 1f, text);
        }

        var matches = new List<(int Index, int Start, int Length, string Term)>();
        for (var i = 0; i < choices.Count; i++)
        {
            foreach (var term in Terms(choices[i]))
            {
                var needle = Normalize(term);
                for (var start = needle.Length == 0 ? -1 : text.IndexOf(needle, StringComparison.Ordinal); start >= 0; start = text.IndexOf(needle, start + 1, StringComparison.Ordinal))
                {
                    if (IsWordBoundary(text, start) && IsWordBoundary(text, start + needle.Length))
                    {
                        matches.Add((i, start, needle.Length, term));
                    }
                }
            }
        }

        // "不是" (no) contains "是" (yes): a match inside a longer match of another choice does not count.
        var kept = matches.Where(m => !matches.Any(o => o.Length > m.Length && o.Start <= m.Start && o.Start + o.Length >= m.Start + m.Length)).ToList();
        if (kept.Select(m => m.Index).Distinct().Count() != 1)
        {
            return null;
        }

        var best = kept.MaxBy(m => m.Length);
        return Found(choices, best.Index, Math.Min(1f, (float)best.Length / text.Length), best.Term);
    }

    private static IEnumerable<string> Terms(Choice choice) => [choice.Value, .. choice.Synonyms ?? []];

    private static FoundChoice Found(IList<Choice> choices, int index, float score, string synonym) =>
        new() { Value = choices[index].Value, Index = index, Score = score, Synonym = synonym };

    private static readonly char[] TrailingPunctuation = ['.', '!', '?', '。', '！', '？', ',', '，'];

    private static string Normalize(string? text) =>
        (text ?? string.Empty).Trim().TrimEnd(TrailingPunctuation).Trim().ToLowerInvariant();

    private static bool IsWordBoundary(string text, int position)
    {
        if (position <= 0 || position >= text.Length)
        {
            return true;
        }

        // Chinese and Japanese are written without spaces: any position next to an ideograph is a boundary.
        char before = text[position - 1], after = text[position];
        return !char.IsLetterOrDigit(before) || !char.IsLetterOrDigit(after) || IsCjk(before) || IsCjk(after);
    }

    private static bool IsCjk(char c) =>
        c is >= '\u3040' and <= '\u30ff' or >= '\u3400' and <= '\u4dbf' or >= '\u4e00' and <= '\u9fff' or >= '\uf900' and <= '\ufaff' or >= '\uac00' and <= '\ud7af';
}

/// <summary>Renderings of a prompt with choices (a <see cref="ChoicePrompt.ChoiceRenderer"/>).</summary>
public static class ChoiceFactory
{
    /// <summary>
    /// The default rendering: the prompt's text followed by a numbered list of the choices' values
    /// (Teams renders it as a list; answering with the number works).
    /// </summary>
    public static Activity NumberedList(PromptOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var activity = options.Prompt?.ShallowClone() ?? Activity.CreateMessageActivity();
        var list = string.Join("\n", (options.Choices ?? []).Select((choice, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}. {choice.Value}")));
        activity.Text = string.IsNullOrEmpty(activity.Text) ? list : list.Length == 0 ? activity.Text : $"{activity.Text}\n\n{list}";
        return activity;
    }

    /// <summary>
    /// The answer carried by the activity: the <paramref name="submitProperty"/> of an Action.Submit
    /// <see cref="Activity.Value"/> object when present (string or number), otherwise the typed text.
    /// </summary>
    public static string? GetAnswer(Activity activity, string submitProperty)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Value is { ValueKind: JsonValueKind.Object } value)
        {
            foreach (var property in value.EnumerateObject())
            {
                if (string.Equals(property.Name, submitProperty, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        _ => null,
                    };
                }
            }
        }

        return activity.Text;
    }
}
