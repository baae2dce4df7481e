using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Protocol.Schema;

/// <summary>Metadata attached to an activity (mention, clientInfo, ...). The body is kept as raw JSON.</summary>
public class Entity
{
    /// <summary>Creates an entity of no type.</summary>
    public Entity() { }

    /// <summary>Creates an entity of the given type.</summary>
    public Entity(string? type) { Type = type; }

    /// <summary>Entity type, e.g. <c>mention</c>.</summary>
    public string? Type { get; set; }

    /// <summary>The entity's other fields.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }

    /// <summary>Reads this entity as a typed entity such as <see cref="Mention"/>.</summary>
    public T GetAs<T>() where T : Entity
    {
        var json = JsonSerializer.SerializeToElement(this, GetType(), ProtocolJson.Options);
        return json.Deserialize<T>(ProtocolJson.Options)
            ?? throw new JsonException($"Entity could not be read as {typeof(T).Name}.");
    }
}

/// <summary>A Teams/Bot Framework mention entity: <c>{type:"mention", mentioned:{id,name}, text:"&lt;at&gt;Name&lt;/at&gt;"}</c>.</summary>
public class Mention : Entity
{
    /// <summary>The mention entity type.</summary>
    public const string EntityType = "mention";

    /// <summary>Creates a mention entity.</summary>
    public Mention() : base(EntityType) { }

    /// <summary>Creates a mention of <paramref name="mentioned"/> rendered as <c>&lt;at&gt;name&lt;/at&gt;</c>.</summary>
    public Mention(ChannelAccount mentioned) : base(EntityType)
    {
        Mentioned = mentioned;
        Text = $"<at>{mentioned.Name}</at>";
    }

    /// <summary>Who is mentioned.</summary>
    public ChannelAccount? Mentioned { get; set; }

    /// <summary>The mention's text as it appears in <see cref="Activity.Text"/>.</summary>
    public string? Text { get; set; }
}

/// <summary>
/// Writes each entity with its runtime type, so a <see cref="Mention"/> in a list declared as
/// <see cref="Entity"/> keeps its fields; reads plain <see cref="Entity"/> objects (use <see cref="Entity.GetAs{T}"/>).
/// </summary>
internal sealed class EntityListConverter : JsonConverter<IList<Entity>>
{
    public override IList<Entity>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<List<Entity>>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, IList<Entity> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var entity in value)
        {
            JsonSerializer.Serialize(writer, entity, entity?.GetType() ?? typeof(Entity), options);
        }

        writer.WriteEndArray();
    }
}
