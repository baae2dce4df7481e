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

    /// <summary>The card's Action.Submit buttons, in order (the card's actions and any ActionSets in its body).</summary>
    public static IReadOnlyList<CardSubmitAction> SubmitActions(this BotActivity activity)
    {
        var found = new List<CardSubmitAction>();
        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    if (element.Str("type") == "Action.Submit")
                    {
                        found.Add(new CardSubmitAction(element.Str("title") ?? "", element.Find("data") ?? default));
                    }

                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        if (activity.AdaptiveCard() is { } card)
        {
            Walk(card);
        }

        return found;
    }

    /// <summary>Every TextBlock's text in the card, one per line (markdown as the bot sent it).</summary>
    public static string CardText(this BotActivity activity)
    {
        var lines = new List<string>();
        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    if (element.Str("type") == "TextBlock" && element.Str("text") is { } text)
                    {
                        lines.Add(text);
                    }

                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.Name != "actions")
                        {
                            Walk(property.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        if (activity.AdaptiveCard() is { } card)
        {
            Walk(card);
        }

        return string.Join("\n", lines);
    }
}
