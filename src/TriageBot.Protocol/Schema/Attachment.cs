using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Protocol.Schema;

/// <summary>A file or card attached to an activity.</summary>
public class Attachment
{
    /// <summary>MIME type, e.g. <c>application/vnd.microsoft.card.adaptive</c>.</summary>
    public string? ContentType { get; set; }
    /// <summary>Where the content can be downloaded, for files.</summary>
    public string? ContentUrl { get; set; }
    /// <summary>
    /// Inline content (a card). Any JSON-serializable value on the way out (a <see cref="JsonElement"/>,
    /// a <c>JsonNode</c> or a plain object); always a <see cref="JsonElement"/> after deserialization.
    /// </summary>
    public object? Content { get; set; }
    /// <summary>File name.</summary>
    public string? Name { get; set; }
    /// <summary>Fields this type does not model; kept so they survive a round trip.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}
