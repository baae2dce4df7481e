using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Dialogs;

/// <summary>One entry of the dialog stack: which dialog, and that dialog's state for this conversation.</summary>
public class DialogInstance
{
    /// <summary>Id of the <see cref="Dialog"/> this instance belongs to.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>
    /// The dialog's persisted state. Keep values JSON-friendly (strings, numbers, booleans, lists,
    /// dictionaries, plain objects): the stack is saved as JSON with no type names.
    /// </summary>
    /// <remarks>
    /// After a storage round trip values are normalised (see <see cref="DialogStateConverter.Normalize"/>):
    /// a JSON number comes back as <see cref="long"/> (or <see cref="double"/>), an object as a
    /// <c>Dictionary&lt;string, object?&gt;</c>. An <c>int</c> stored this turn is an Int64 next turn, so
    /// read numbers with <see cref="Convert.ToInt32(object?, IFormatProvider?)"/>, not a cast.
    /// </remarks>
    [JsonConverter(typeof(NormalizingStateConverter))]
    public IDictionary<string, object?> State { get; set; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}

/// <summary>The dialog stack of a conversation (or of a <see cref="ComponentDialog"/>), top first.</summary>
public class DialogState
{
    /// <summary>The stack; index 0 is the active dialog.</summary>
    public List<DialogInstance> DialogStack { get; set; } = [];
}

/// <summary>Turns values read back from storage into the plain CLR values dialogs work with.</summary>
public static class DialogStateConverter
{
    /// <summary>
    /// Converts a <see cref="JsonElement"/> (what System.Text.Json yields for <c>object</c>-typed values)
    /// into plain values: string, bool, null, <see cref="long"/> for integers, <see cref="double"/> for other
    /// numbers, <c>List&lt;object?&gt;</c> for arrays and <c>Dictionary&lt;string, object?&gt;</c> for objects.
    /// Anything else is returned unchanged.
    /// </summary>
    /// <remarks>
    /// Why: without this a dialog sees an <c>int</c> it stored on the turn it stored it, and a
    /// <see cref="JsonElement"/> on every later turn, so <c>(int)state["x"]</c> or <c>is string</c> works in a
    /// one-turn test and fails in production. The SDK's Newtonsoft storage had the same trap in Int64/JObject
    /// form (botbuilder-dotnet's WaterfallDialog reads its step index with Convert.ToInt32 for that reason).
    /// Integers stay Int64 here too, so code that is right against this layer stays right against the SDK.
    /// </remarks>
    public static object? Normalize(object? value) => value is JsonElement element ? FromElement(element) : value;

    /// <summary>
    /// Returns <paramref name="value"/> as <typeparamref name="T"/>: itself when it already is one,
    /// otherwise converted through JSON (for typed objects that come back from storage as dictionaries).
    /// </summary>
    public static T? ConvertTo<T>(object? value) => value switch
    {
        null => default,
        T typed => typed,
        // Through UTF-8 bytes: one write and one read (a JsonElement in between would parse the text once more).
        _ => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJson.Options), ProtocolJson.Options),
    };

    /// <summary>
    /// A dialog stack read back from storage (what <see cref="Normalize"/> makes of it: dictionaries and lists) as a
    /// <see cref="DialogState"/>: taken over as it is when it has the shape this layer writes (the instances' states
    /// are normalised already), through JSON like <see cref="ConvertTo{T}"/> otherwise.
    /// </summary>
    internal static DialogState? ToDialogState(object? stored)
    {
        if (stored is not Dictionary<string, object?> { Count: 1 } root
            || !root.TryGetValue("dialogStack", out var stack) || stack is not List<object?> entries)
        {
            return ConvertTo<DialogState>(stored);
        }

        var state = new DialogState();
        foreach (var entry in entries)
        {
            if (entry is not Dictionary<string, object?> { Count: 2 } instance
                || !instance.TryGetValue("id", out var id) || id is not string dialogId
                || !instance.TryGetValue("state", out var values) || values is not Dictionary<string, object?> instanceState
                || instanceState.Comparer != StringComparer.Ordinal)
            {
                return ConvertTo<DialogState>(stored);
            }

            state.DialogStack.Add(new DialogInstance { Id = dialogId, State = instanceState });
        }

        return state;
    }

    private static object? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        // The casts matter: without them the conditional's type is double and every integer becomes a double.
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? (object)integer : (object)element.GetDouble(),
        JsonValueKind.Array => element.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.Object => ToDictionary(element),
        _ => null,
    };

    internal static Dictionary<string, object?> ToDictionary(JsonElement element)
    {
        var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            dictionary[property.Name] = FromElement(property.Value);
        }

        return dictionary;
    }
}

/// <summary>Reads <see cref="DialogInstance.State"/> as normalised values instead of <see cref="JsonElement"/>s.</summary>
internal sealed class NormalizingStateConverter : JsonConverter<IDictionary<string, object?>>
{
    public override IDictionary<string, object?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.StartObject
            ? NormalizedJson.ReadObject(ref reader)
            : throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"Dialog state must be a JSON object, not {reader.TokenType}."));

    public override void Write(Utf8JsonWriter writer, IDictionary<string, object?> value, JsonSerializerOptions options) =>
        NormalizedJson.WriteObject(writer, value, options);
}

/// <summary>
/// Reads and writes the normalised values of dialog state (see <see cref="DialogStateConverter.Normalize"/>) directly on
/// the reader and writer: the same values and the same JSON as going through a <see cref="JsonDocument"/> and one
/// serializer call per value, without either (dialog state is read and written on every turn).
/// </summary>
internal static class NormalizedJson
{
    /// <summary>Reads the value the reader is on: string, bool, null, Int64 or double, list, dictionary.</summary>
    public static object? Read(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        // The casts matter: without them the conditional's type is double and every integer becomes a double.
        JsonTokenType.Number => reader.TryGetInt64(out var integer) ? (object)integer : (object)reader.GetDouble(),
        JsonTokenType.StartArray => ReadArray(ref reader),
        JsonTokenType.StartObject => ReadObject(ref reader),
        _ => throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"Unexpected {reader.TokenType} in dialog state.")),
    };

    /// <summary>Reads the object the reader is on (at its <c>{</c>); a repeated name keeps its last value.</summary>
    public static Dictionary<string, object?> ReadObject(ref Utf8JsonReader reader)
    {
        var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            dictionary[name] = Read(ref reader);
        }

        return dictionary;
    }

    private static List<object?> ReadArray(ref Utf8JsonReader reader)
    {
        var list = new List<object?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(Read(ref reader));
        }

        return list;
    }

    /// <summary>Writes a dictionary's entries (null values too, as the serializer writes a dictionary).</summary>
    public static void WriteObject(Utf8JsonWriter writer, IDictionary<string, object?> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, item) in value)
        {
            writer.WritePropertyName(name);
            Write(writer, item, options);
        }

        writer.WriteEndObject();
    }

    /// <summary>Normalised values are written here as the serializer would write them; anything else goes to the serializer.</summary>
    private static void Write(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long or int:
                // An int a dialog stored this turn, an Int64 read back: the same digits either way.
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case Dictionary<string, object?> dictionary:
                WriteObject(writer, dictionary, options);
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item, options);
                }

                writer.WriteEndArray();
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), options);
                break;
        }
    }
}

internal static class StateDictionaryExtensions
{
    public static object? GetOrNull(this IDictionary<string, object?> state, string key) =>
        state.TryGetValue(key, out var value) ? value : null;
}
