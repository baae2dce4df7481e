using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TriageBot.Cards;

/// <summary>
/// A small subset of the Adaptive Cards templating language, enough for the bot's own cards:
/// <c>${name}</c> and <c>${a.b}</c> in strings (a string that is only one expression takes the
/// value as it is, so lists and numbers keep their type), <c>$data</c> on an element of an array
/// repeats it for each item of a list (the item becomes the data context; <c>$root</c> reaches the
/// top), and <c>$when</c> keeps an element only when its expression is truthy.
/// </summary>
public sealed partial class CardTemplate(JsonObject template)
{
    public static CardTemplate Load(string name)
    {
        var assembly = typeof(CardTemplate).Assembly;
        using var stream = assembly.GetManifestResourceStream($"TriageBot.Cards.{name}.json")
            ?? throw new InvalidOperationException($"card template '{name}' is not embedded");
        return new CardTemplate((JsonObject)JsonNode.Parse(stream)!);
    }

    public JsonObject Bind(JsonNode data) => (JsonObject)Expand(template, data, data)!;

    private static JsonNode? Expand(JsonNode? node, JsonNode? data, JsonNode root) => node switch
    {
        JsonObject obj => ExpandObject(obj, data, root),
        JsonArray array => new JsonArray(array.SelectMany(item => ExpandItem(item, data, root)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => ExpandString(text, data, root),
        _ => node?.DeepClone(),
    };

    private static IEnumerable<JsonNode?> ExpandItem(JsonNode? item, JsonNode? data, JsonNode root)
    {
        if (item is JsonObject obj && obj["$data"] is JsonValue dataValue && dataValue.TryGetValue<string>(out var expression))
        {
            var items = Resolve(Single(expression) ?? expression, data, root);
            var list = items is JsonArray array ? array.ToList() : items is null ? [] : [items];
            foreach (var element in list)
            {
                if (ExpandObject(obj, element, root) is { } expanded)
                {
                    yield return expanded;
                }
            }
            yield break;
        }
        var result = Expand(item, data, root);
        if (item is not JsonObject || result is not null)
        {
            yield return result;
        }
    }

    private static JsonObject? ExpandObject(JsonObject obj, JsonNode? data, JsonNode root)
    {
        if (obj["$when"] is JsonValue when && when.TryGetValue<string>(out var condition) && !Truthy(Resolve(Single(condition) ?? condition, data, root)))
        {
            return null;
        }
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key is "$data" or "$when")
            {
                continue;
            }
            result[key] = Expand(value, data, root);
        }
        return result;
    }

    private static JsonNode? ExpandString(string text, JsonNode? data, JsonNode root)
    {
        if (Single(text) is { } only)
        {
            return Resolve(only, data, root)?.DeepClone();
        }
        return JsonValue.Create(ExpressionRegex().Replace(text, m => Resolve(m.Groups[1].Value, data, root) switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => other.ToJsonString(),
        }));
    }

    private static string? Single(string text)
    {
        var m = ExpressionRegex().Match(text);
        return m.Success && m.Index == 0 && m.Length == text.Length ? m.Groups[1].Value : null;
    }

    private static JsonNode? Resolve(string path, JsonNode? data, JsonNode root)
    {
        var negate = path.StartsWith('!');
        var parts = path.TrimStart('!').Split('.');
        var current = parts[0] == "$root" ? root : parts[0] == "$data" ? data : data?[parts[0]];
        foreach (var part in parts.Skip(1))
        {
            current = current is JsonObject o ? o[part] : null;
        }
        return negate ? JsonValue.Create(!Truthy(current)) : current;
    }

    private static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        _ => true,
    };

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex ExpressionRegex();
}
