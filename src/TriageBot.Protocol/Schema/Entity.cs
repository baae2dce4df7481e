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

    /// <summary>Reads a field of the entity body.</summary>
    protected T? GetProperty<T>(string name) =>
        Properties is not null && Properties.TryGetValue(name, out var value) ? value.Deserialize<T>(ProtocolJson.Options) : default;

    /// <summary>Writes (or removes, for null) a field of the entity body.</summary>
    protected void SetProperty<T>(string name, T? value)
    {
        if (value is null)
        {
            Properties?.Remove(name);
            return;
        }

        Properties ??= new Dictionary<string, JsonElement>();
        Properties[name] = JsonSerializer.SerializeToElement(value, ProtocolJson.Options);
    }

    /// <summary>Reads this entity as a typed entity such as <see cref="Mention"/>.</summary>
    public T GetAs<T>() where T : Entity
    {
        var json = JsonSerializer.SerializeToElement<Entity>(this, ProtocolJson.Options);
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

    // Typed members live in the body so a Mention inside Activity.Entities (declared as Entity)
    // serializes completely without polymorphic converters.

    /// <summary>Who is mentioned.</summary>
    [JsonIgnore]
    public ChannelAccount? Mentioned
    {
        get => GetProperty<ChannelAccount>("mentioned");
        set => SetProperty("mentioned", value);
    }

    /// <summary>The mention's text as it appears in <see cref="Activity.Text"/>.</summary>
    [JsonIgnore]
    public string? Text
    {
        get => GetProperty<string>("text");
        set => SetProperty("text", value);
    }
}
