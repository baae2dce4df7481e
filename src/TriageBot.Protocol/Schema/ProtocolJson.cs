using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TriageBot.Protocol.Schema;

/// <summary>
/// The one <see cref="JsonSerializerOptions"/> used for everything on the wire and in storage:
/// camelCase names, case-insensitive reads, nulls omitted, no type-name handling.
/// </summary>
public static class ProtocolJson
{
    /// <summary>Shared, read-only serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Writer options that write as <see cref="Options"/> does (its encoder and indentation), for a writer of one's own.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Options.Encoder, Indented = Options.WriteIndented };

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }
}
