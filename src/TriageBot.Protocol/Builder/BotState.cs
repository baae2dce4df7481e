using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>
/// State of one scope (conversation or user), loaded once per turn, cached in the turn state and
/// written back by <see cref="SaveChangesAsync"/> only when it changed.
/// </summary>
/// <remarks>
/// Stored as JSON only: <c>{ "state": { property: value }, "lastAccess", "expiresAt", "activityIds", "eTag" }</c>.
/// Properties arrive from storage as their JSON text; the first typed
/// <see cref="IStatePropertyAccessor{T}.GetAsync"/> deserializes the text into <c>T</c> and keeps that
/// instance in the cache, so a caller can mutate the object it got (as with the SDK) and the change is
/// saved. Going through System.Text.Json into declared types is what keeps numbers numbers: an
/// untyped round trip would hand back <see cref="JsonElement"/>s (the SDK's Newtonsoft path returns
/// Int64 for an int it stored, a known source of cast bugs).
/// </remarks>
public abstract class BotState
{
    private const string ActivityIdsProperty = "activityIds";

    /// <summary>The storage, through its document path (an adapter when it offers <see cref="IStorage"/> only).</summary>
    private readonly IDocumentStorage _storage;
    private readonly string _contextServiceKey;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the state scope.</summary>
    /// <param name="storage">Where the state lives.</param>
    /// <param name="contextServiceKey">Turn-state key of the cached state.</param>
    /// <param name="timeProvider">Clock for <c>lastAccess</c>/<c>expiresAt</c>; the system clock when null.</param>
    /// <param name="expireAfter">When set, each save stamps <c>expiresAt = now + expireAfter</c>; expired state loads as empty and can be purged by the storage.</param>
    protected BotState(IStorage storage, string contextServiceKey, TimeProvider? timeProvider = null, TimeSpan? expireAfter = null)
    {
        _storage = DocumentStorageAdapter.For(storage ?? throw new ArgumentNullException(nameof(storage)));
        _contextServiceKey = contextServiceKey ?? throw new ArgumentNullException(nameof(contextServiceKey));
        _timeProvider = timeProvider ?? TimeProvider.System;
        ExpireAfter = expireAfter;
    }

    /// <summary>How long state lives after its last save; null for ever.</summary>
    public TimeSpan? ExpireAfter { get; }

    /// <summary>
    /// How many ids of the activities whose turns saved this state are kept with it (0, the default: none).
    /// The id goes into the same write as the turn's changes, so "this activity's changes are saved" and
    /// "this activity is remembered" are one fact: see <see cref="HasSavedActivityAsync"/>.
    /// </summary>
    public int RememberedActivityIds { get; init; }

    /// <summary>Creates an accessor for one named property of this state.</summary>
    public IStatePropertyAccessor<T> CreateProperty<T>(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new BotStatePropertyAccessor<T>(this, name);
    }

    /// <summary>Loads the state into the turn cache (once per turn unless <paramref name="force"/>).</summary>
    public async Task LoadAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (!force && turnContext.TurnState.ContainsKey(_contextServiceKey))
        {
            return;
        }

        var stored = await _storage.ReadDocumentAsync(GetStorageKey(turnContext), cancellationToken).ConfigureAwait(false);
        turnContext.TurnState[_contextServiceKey] = FromDocument(stored);
    }

    /// <summary>
    /// The cached state from a stored document, read with <see cref="Utf8JsonReader"/>: each property of
    /// <c>state</c> is kept as its JSON text (deserialized when first asked for), and the text of <c>state</c>
    /// itself is the hash, as <see cref="CachedBotState.ComputeHash"/> writes it for the same properties (the
    /// document was written from that hash). Should another writer have formatted it differently, the
    /// unchanged state is written once more; nothing else depends on it.
    /// </summary>
    private CachedBotState FromDocument(StoredDocument? stored)
    {
        // State that does not exist yet is created only if it still does not exist when saved: two first turns
        // of a conversation at once must not both write unconditionally (the second would erase the first).
        var cached = new CachedBotState { ETag = stored?.ETag ?? StorageExtensions.IfAbsentETag };
        if (stored is null)
        {
            cached.Hash = cached.ComputeHash();
            return cached;
        }

        var json = stored.Json;
        var reader = new Utf8JsonReader(json.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A stored state document must be a JSON object.");
        }

        ReadOnlyMemory<byte> state = default;
        DateTimeOffset? expiresAt = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("state"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                var start = (int)reader.TokenStartIndex;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    var valueStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    cached.State[name] = new RawJson(json[valueStart..(int)reader.BytesConsumed]);
                }

                state = json[start..(int)reader.BytesConsumed];
            }
            else if (reader.ValueTextEquals(StorageExtensions.ExpiresAtProperty))
            {
                reader.Read();
                expiresAt = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at : null;
            }
            else if (reader.ValueTextEquals(ActivityIdsProperty))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            cached.ActivityIds.Add(reader.GetString()!);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (expiresAt <= _timeProvider.GetUtcNow())
        {
            cached.State.Clear();
            state = default;
        }

        // The state's slice of the stored document (its buffer is the reader's own), not a copy of it.
        cached.Hash = state.IsEmpty ? cached.ComputeHash() : state;
        return cached;
    }

    /// <summary>
    /// Writes the cached state if it changed since it was loaded or last saved (or always with <paramref name="force"/>).
    /// Throws <see cref="StorageConcurrencyException"/> when another turn saved the same state first.
    /// </summary>
    public async Task SaveChangesAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (turnContext.TurnState.Get<CachedBotState>(_contextServiceKey) is not { } cached)
        {
            return;
        }

        var hash = cached.ComputeHash();
        if (!force && hash.AsSpan().SequenceEqual(cached.Hash.Span))
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var activityIds = RememberedIds(cached.ActivityIds, turnContext.Activity.Id);
        var key = GetStorageKey(turnContext);
        var expiresAt = ExpireAfter is { } expireAfter ? now + expireAfter : (DateTimeOffset?)null;

        // The document written straight from the hash (the state's JSON as just serialized for the comparison), without a DOM.
        using var buffer = new RentedBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, ProtocolJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("state"u8);
            writer.WriteRawValue(hash, skipInputValidation: true);
            writer.WriteString("lastAccess"u8, now);
            writer.WritePropertyName(StorageExtensions.ExpiresAtProperty);
            if (expiresAt is { } at)
            {
                writer.WriteStringValue(at);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WritePropertyName(ActivityIdsProperty);
            if (activityIds.Count == 0)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStartArray();
                foreach (var id in activityIds)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        cached.ETag = await _storage.WriteDocumentAsync(key, buffer.WrittenMemory, cached.ETag, expiresAt, cancellationToken).ConfigureAwait(false);
        cached.Hash = hash;
        cached.ActivityIds.Clear();
        cached.ActivityIds.AddRange(activityIds);
    }

    /// <summary>
    /// Whether a turn of an activity with this turn's <see cref="Activity.Id"/> already saved this state (see
    /// <see cref="RememberedActivityIds"/>): the activity is a redelivery whose changes are in the state. Loads
    /// the state. False when the activity has no id or no ids are remembered.
    /// </summary>
    public async Task<bool> HasSavedActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (RememberedActivityIds <= 0 || string.IsNullOrEmpty(turnContext.Activity.Id))
        {
            return false;
        }

        await LoadAsync(turnContext, false, cancellationToken).ConfigureAwait(false);
        return turnContext.TurnState.Get<CachedBotState>(_contextServiceKey)!.ActivityIds.Contains(turnContext.Activity.Id, StringComparer.Ordinal);
    }

    /// <summary>Empties the cached state; the next <see cref="SaveChangesAsync"/> writes the empty state.</summary>
    public void ClearState(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var previous = turnContext.TurnState.Get<CachedBotState>(_contextServiceKey);
        var cleared = new CachedBotState { ETag = previous?.ETag, Hash = ReadOnlyMemory<byte>.Empty };
        cleared.ActivityIds.AddRange(previous?.ActivityIds ?? []);
        turnContext.TurnState[_contextServiceKey] = cleared;
    }

    /// <summary>Deletes the state from the turn cache and from storage.</summary>
    public async Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        turnContext.TurnState.Remove(_contextServiceKey);
        await _storage.DeleteAsync([GetStorageKey(turnContext)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The storage key of this scope for the turn.</summary>
    protected abstract string GetStorageKey(ITurnContext turnContext);

    /// <summary>The ids to store: those loaded, then this turn's, the newest <see cref="RememberedActivityIds"/>.</summary>
    private List<string> RememberedIds(List<string> loaded, string? activityId)
    {
        if (RememberedActivityIds <= 0)
        {
            return [];
        }

        var ids = new List<string>(loaded);
        if (!string.IsNullOrEmpty(activityId) && !ids.Contains(activityId, StringComparer.Ordinal))
        {
            ids.Add(activityId);
        }

        return ids.Count <= RememberedActivityIds ? ids : ids[^RememberedActivityIds..];
    }

    internal async Task<Dictionary<string, object?>> GetStateAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        await LoadAsync(turnContext, false, cancellationToken).ConfigureAwait(false);
        return turnContext.TurnState.Get<CachedBotState>(_contextServiceKey)!.State;
    }

    private sealed class CachedBotState
    {
        public Dictionary<string, object?> State { get; } = new(StringComparer.Ordinal);

        public string? ETag { get; set; }

        /// <summary>The state's JSON (UTF-8) when it was loaded or last saved; empty after <see cref="ClearState"/>.</summary>
        public ReadOnlyMemory<byte> Hash { get; set; }

        /// <summary>Ids of the activities whose turns saved the state, oldest first.</summary>
        public List<string> ActivityIds { get; } = [];

        public byte[] ComputeHash() => JsonSerializer.SerializeToUtf8Bytes(State, ProtocolJson.Options);
    }
}

/// <summary>
/// JSON text (UTF-8) written again as it is: each property of a state read from a stored document, until it is first
/// asked for as a type. It was checked by <see cref="Utf8JsonReader"/> when read, so it is not validated again.
/// </summary>
[JsonConverter(typeof(Converter))]
internal sealed class RawJson(ReadOnlyMemory<byte> utf8)
{
    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    private sealed class Converter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return new RawJson(JsonSerializer.SerializeToUtf8Bytes(document.RootElement, options));
        }

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }
}

/// <summary>Reads and writes one named property of a <see cref="BotState"/>.</summary>
public interface IStatePropertyAccessor<T>
{
    /// <summary>The property name.</summary>
    string Name { get; }

    /// <summary>
    /// Gets the value. When missing: stores and returns <paramref name="defaultValueFactory"/>'s value,
    /// or returns default when no factory is given. The returned object is the cached one: changes to it are saved.
    /// </summary>
    Task<T> GetAsync(ITurnContext turnContext, Func<T>? defaultValueFactory = null, CancellationToken cancellationToken = default);

    /// <summary>Sets the value.</summary>
    Task SetAsync(ITurnContext turnContext, T value, CancellationToken cancellationToken = default);

    /// <summary>Removes the value.</summary>
    Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default);
}

internal sealed class BotStatePropertyAccessor<T>(BotState state, string name) : IStatePropertyAccessor<T>
{
    public string Name { get; } = name;

    public async Task<T> GetAsync(ITurnContext turnContext, Func<T>? defaultValueFactory = null, CancellationToken cancellationToken = default)
    {
        var values = await state.GetStateAsync(turnContext, cancellationToken).ConfigureAwait(false);
        if (values.TryGetValue(Name, out var value) && value is not null)
        {
            if (value is RawJson raw)
            {
                var read = JsonSerializer.Deserialize<T>(raw.Utf8.Span, ProtocolJson.Options)!;
                values[Name] = read;
                return read;
            }

            if (value is T typed)
            {
                return typed;
            }

            var node = value as JsonNode ?? JsonSerializer.SerializeToNode(value, ProtocolJson.Options);
            var converted = node.Deserialize<T>(ProtocolJson.Options)!;
            values[Name] = converted;
            return converted;
        }

        if (defaultValueFactory is null)
        {
            return default!;
        }

        var created = defaultValueFactory();
        values[Name] = created;
        return created;
    }

    public async Task SetAsync(ITurnContext turnContext, T value, CancellationToken cancellationToken = default)
    {
        var values = await state.GetStateAsync(turnContext, cancellationToken).ConfigureAwait(false);
        values[Name] = value;
    }

    public async Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        var values = await state.GetStateAsync(turnContext, cancellationToken).ConfigureAwait(false);
        values.Remove(Name);
    }
}

/// <summary>State of a conversation, key <c>{channelId}/conversations/{conversationId}</c>.</summary>
public class ConversationState : BotState
{
    /// <summary>Creates conversation state; see <see cref="BotState(IStorage, string, TimeProvider?, TimeSpan?)"/>.</summary>
    public ConversationState(IStorage storage, TimeProvider? timeProvider = null, TimeSpan? expireAfter = null)
        : base(storage, nameof(ConversationState), timeProvider, expireAfter)
    {
    }

    /// <inheritdoc />
    protected override string GetStorageKey(ITurnContext turnContext)
    {
        var activity = turnContext.Activity;
        var channelId = activity.ChannelId ?? throw new InvalidOperationException("Conversation state needs activity.channelId.");
        var conversationId = activity.Conversation?.Id ?? throw new InvalidOperationException("Conversation state needs activity.conversation.id.");
        return $"{channelId}/conversations/{conversationId}";
    }
}

/// <summary>State of a user across conversations, key <c>{channelId}/users/{userId}</c>.</summary>
public class UserState : BotState
{
    /// <summary>Creates user state; see <see cref="BotState(IStorage, string, TimeProvider?, TimeSpan?)"/>.</summary>
    public UserState(IStorage storage, TimeProvider? timeProvider = null, TimeSpan? expireAfter = null)
        : base(storage, nameof(UserState), timeProvider, expireAfter)
    {
    }

    /// <inheritdoc />
    protected override string GetStorageKey(ITurnContext turnContext)
    {
        var activity = turnContext.Activity;
        var channelId = activity.ChannelId ?? throw new InvalidOperationException("User state needs activity.channelId.");
        var userId = activity.From?.Id ?? throw new InvalidOperationException("User state needs activity.from.id.");
        return $"{channelId}/users/{userId}";
    }
}
