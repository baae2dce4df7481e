namespace TriageBot.EndToEnd.Harness;

/// <summary>An Action.Submit of an Adaptive Card: its button title and the data Teams posts back as the activity's value.</summary>
public sealed record CardSubmitAction(string Title, JsonElement Data)
{
    public string? this[string key] => Data.Str(key);

    public override string ToString() => $"{Title} {Data.GetRawText()}";
}

/// <summary>Reads the Adaptive Card a bot activity carries (the first attachment of that content type).</summary>
public static class AdaptiveCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>The card's content, or null when the activity carries no Adaptive Card.</summary>
    public static JsonElement? AdaptiveCard(this BotActivity activity)
    {
        if (activity.Attachments is not { ValueKind: JsonValueKind.Array } attachments)
        {
            return null;
        }

        foreach (var attachment in attachments.EnumerateArray())
        {
            if (attachment.Str("contentType") == ContentType && attachment.Find("content") is { ValueKind: JsonValueKind.Object } content)
            {
                return content;
            }
        }

        return null;
    }

    /// <summary>
    /// Every object in <paramref name="element"/> (itself included), depth first in document order, an object before
    /// what it holds; the properties named in <paramref name="skip"/> are not walked into.
    /// </summary>
    public static IEnumerable<JsonElement> Walk(JsonElement element, params string[] skip)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(element);
        while (pending.TryPop(out var current))
        {
            switch (current.ValueKind)
            {
                case JsonValueKind.Object:
                    yield return current;
                    foreach (var property in current.EnumerateObject().Where(p => !skip.Contains(p.Name)).Reverse())
                    {
                        pending.Push(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in current.EnumerateArray().Reverse())
                    {
                        pending.Push(item);
                    }

                    break;
            }
        }
    }

    /// <summary>The card's Action.Submit buttons, in order (the card's actions and any ActionSets in its body).</summary>
    public static IReadOnlyList<CardSubmitAction> SubmitActions(this BotActivity activity) =>
        activity.AdaptiveCard() is { } card
            ? Walk(card).Where(e => e.Str("type") == "Action.Submit").Select(e => new CardSubmitAction(e.Str("title") ?? "", e.Find("data") ?? default)).ToList()
            : [];

    /// <summary>Every TextBlock's text in the card, one per line (markdown as the bot sent it).</summary>
    public static string CardText(this BotActivity activity) => activity.AdaptiveCard() is { } card ? CardText(card) : "";

    /// <summary>Every TextBlock's text in <paramref name="card"/> (not those of its actions' ShowCards), one per line.</summary>
    public static string CardText(JsonElement card) =>
        string.Join("\n", Walk(card, "actions").Where(e => e.Str("type") == "TextBlock").Select(e => e.Str("text")).OfType<string>());

    /// <summary>The verbs of the card's Action.Execute buttons, also those inside its ShowCards, in order (not its refresh action).</summary>
    public static List<string> ExecuteVerbs(JsonElement card) =>
        Walk(card, "refresh").Where(e => e.Str("type") == "Action.Execute").Select(e => e.Str("verb")).OfType<string>().ToList();
}
