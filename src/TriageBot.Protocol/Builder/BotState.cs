using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>
/// State of one scope (conversation or user), loaded once per turn, cached in the turn state and
/// written back by <see cref="SaveChangesAsync"/> only when it changed.
/// </summary>
/// <remarks>
/// Stored as JSON only: <c>{ "state": { property: value }, "lastAccess", "expiresAt", "eTag" }</c>.
/// Properties arrive from storage as <see cref="JsonNode"/>s; the first typed
/// <see cref="IStatePropertyAccessor{T}.GetAsync"/> deserializes the node into <c>T</c> and keeps that
/// instance in the cache, so a caller can mutate the object it got (as with the SDK) and the change is
/// saved. Going through System.Text.Json into declared types is what keeps numbers numbers: an
/// untyped round trip would hand back <see cref="JsonElement"/>s (the SDK's Newtonsoft path returns
/// Int64 for an int it stored, a known source of cast bugs).
/// </remarks>
public abstract class BotState
{
    private readonly IStorage _storage;
    private readonly string _contextServiceKey;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the state scope.</summary>
    /// <param name="storage">Where the state lives.</param>
    /// <param name="contextServiceKey">Turn-state key of the cached state.</param>
    /// <param name="timeProvider">Clock for <c>lastAccess</c>/<c>expiresAt</c>; the system clock when null.</param>
    /// <param name="expireAfter">When set, each save stamps <c>expiresAt = now + expireAfter</c>; expired state loads as empty and can be purged by the storage.</param>
    protected BotState(IStorage storage, string contextServiceKey, TimeProvider? timeProvider = null, TimeSpan? expireAfter = null)
    {
        _storage = storage ?? throw new ArgumentNullException(nameof(storage));
        _contextServiceKey = contextServiceKey ?? throw new ArgumentNullException(nameof(contextServiceKey));
        _timeProvider = timeProvider ?? TimeProvider.System;
        ExpireAfter = expireAfter;
    }

    /// <summary>How long state lives after its last save; null for ever.</summary>
    public TimeSpan? ExpireAfter { get; }

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

        var key = GetStorageKey(turnContext);
        var items = await _storage.ReadAsync([key], cancellationToken).ConfigureAwait(false);
        var cached = new CachedBotState();
        if (items.TryGetValue(key, out var item))
        {
            var document = item as JsonObject ?? JsonSerializer.SerializeToNode(item, ProtocolJson.Options)!.AsObject();
            cached.ETag = document[StorageExtensions.ETagProperty]?.GetValue<string>();
            var expired = document[StorageExtensions.ExpiresAtProperty] is JsonValue expiry
                && expiry.TryGetValue<DateTimeOffset>(out var expiresAt)
                && expiresAt <= _timeProvider.GetUtcNow();
            if (!expired && document["state"] is JsonObject state)
            {
                foreach (var (name, value) in state.ToList())
                {
                    state.Remove(name);
                    cached.State[name] = value;
                }
            }
        }

        cached.Hash = cached.ComputeHash();
        turnContext.TurnState[_contextServiceKey] = cached;
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
        if (!force && hash == cached.Hash)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var document = new JsonObject
        {
            ["state"] = JsonNode.Parse(hash),
            ["lastAccess"] = now,
            [StorageExtensions.ExpiresAtProperty] = ExpireAfter is { } after ? now + after : null,
            [StorageExtensions.ETagProperty] = cached.ETag,
        };
        var key = GetStorageKey(turnContext);
        await _storage.WriteAsync(new Dictionary<string, object> { [key] = document }, cancellationToken).ConfigureAwait(false);
        cached.ETag = document[StorageExtensions.ETagProperty]?.GetValue<string>();
        cached.Hash = hash;
    }

    /// <summary>Empties the cached state; the next <see cref="SaveChangesAsync"/> writes the empty state.</summary>
    public void ClearState(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var eTag = turnContext.TurnState.Get<CachedBotState>(_contextServiceKey)?.ETag;
        turnContext.TurnState[_contextServiceKey] = new CachedBotState { ETag = eTag, Hash = string.Empty };
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

    internal async Task<Dictionary<string, object?>> GetStateAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        await LoadAsync(turnContext, false, cancellationToken).ConfigureAwait(false);
        return turnContext.TurnState.Get<CachedBotState>(_contextServiceKey)!.State;
    }

    private sealed class CachedBotState
    {
        public Dictionary<string, object?> State { get; } = new(StringComparer.Ordinal);

        public string? ETag { get; set; }

        public string Hash { get; set; } = string.Empty;

        public string ComputeHash() => JsonSerializer.Serialize(State, ProtocolJson.Options);
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
