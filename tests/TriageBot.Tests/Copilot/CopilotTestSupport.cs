using System.Text.Json;
using TriageBot.Protocol.Schema;

namespace TriageBot.Tests.Copilot;

/// <summary>Reading what the agents' cards say and do.</summary>
internal static class CopilotTestSupport
{
    /// <summary>Every text of a card in reading order: text blocks, text runs, facts ("title: value"), button titles ("[title]").</summary>
    public static List<string> Texts(JsonElement card)
    {
        var parts = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
                return;
            }
            if (e.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            switch (e.TryGetProperty("type", out var t) ? t.GetString() : null)
            {
                case "TextBlock" or "TextRun":
                    parts.Add(e.GetProperty("text").GetString()!);
                    break;
                case "Action.Submit" or "Action.Execute":
                    parts.Add("[" + e.GetProperty("title").GetString() + "]");
                    break;
            }
            if (e.TryGetProperty("facts", out var facts))
            {
                foreach (var fact in facts.EnumerateArray())
                {
                    parts.Add($"{fact.GetProperty("title").GetString()}: {fact.GetProperty("value").GetString()}");
                }
            }
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name is not "facts" and not "data")
                {
                    Walk(p.Value);
                }
            }
        }
        Walk(card);
        return parts;
    }

    public static JsonElement Card(Activity activity)
    {
        Assert.NotNull(activity.Attachments);
        var attachment = Assert.Single(activity.Attachments!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.ContentType);
        return JsonSerializer.SerializeToElement(attachment.Content);
    }

    public static string Said(Activity activity) => string.Join("\n", Texts(Card(activity)));

    /// <summary>Every Action.Submit and Action.Execute of a card, wherever it is (top-level actions or an ActionSet).</summary>
    public static List<JsonElement> Actions(JsonElement card)
    {
        var found = new List<JsonElement>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
            else if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("type", out var t) && t.GetString() is "Action.Submit" or "Action.Execute")
                {
                    found.Add(e.Clone());
                }
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name != "data")
                    {
                        Walk(p.Value);
                    }
                }
            }
        }
        Walk(card);
        return found;
    }

    /// <summary>The data of the button titled <paramref name="title"/>.</summary>
    public static JsonElement ButtonData(Activity activity, string title) =>
        Actions(Card(activity)).FirstOrDefault(a => a.GetProperty("title").GetString() == title) is { ValueKind: JsonValueKind.Object } action
            ? action.GetProperty("data").Clone()
            : throw new InvalidOperationException($"no button '{title}' on the card:\n{Said(activity)}");
}
