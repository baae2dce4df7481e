using TriageBot.Protocol.Builder;

namespace TriageBot.Tests.Resilience.Support;

/// <summary>
/// A storage that fails on demand, as a database outage would: with <see cref="Down"/> every call throws
/// <see cref="StorageUnavailableException"/> (or <see cref="Failure"/>'s exception); with <see cref="WritesDown"/>
/// only writes do; <see cref="ConflictingWrites"/> makes that many writes of a conversation's state meet an ETag conflict.
/// </summary>
internal sealed class OutageStorage(IStorage inner) : IStorage
{
    private int _conflictingWrites;

    public IStorage Inner { get; } = inner;

    public volatile bool Down;

    public volatile bool WritesDown;

    /// <summary>What a failing call throws; <see cref="StorageUnavailableException"/> when null.</summary>
    public Func<Exception>? Failure { get; set; }

    /// <summary>How many of the next writes of conversation state fail with <see cref="StorageConcurrencyException"/>; -1: all.</summary>
    public int ConflictingWrites
    {
        get => Volatile.Read(ref _conflictingWrites);
        set => Volatile.Write(ref _conflictingWrites, value);
    }

    public int Calls;

    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        Fail(Down);
        return Inner.ReadAsync(keys, cancellationToken);
    }

    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        Fail(Down || WritesDown);
        if (changes.Keys.FirstOrDefault(k => k.Contains("/conversations/", StringComparison.Ordinal)) is { } key && TakeConflict())
        {
            throw new StorageConcurrencyException(key);
        }

        return Inner.WriteAsync(changes, cancellationToken);
    }

    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        Fail(Down || WritesDown);
        return Inner.DeleteAsync(keys, cancellationToken);
    }

    private void Fail(bool failing)
    {
        Interlocked.Increment(ref Calls);
        if (failing)
        {
            throw Failure?.Invoke() ?? new StorageUnavailableException("The storage (test outage) cannot be reached: connection refused");
        }
    }

    private bool TakeConflict()
    {
        while (true)
        {
            var left = ConflictingWrites;
            if (left == 0)
            {
                return false;
            }

            if (left < 0 || Interlocked.CompareExchange(ref _conflictingWrites, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}

/// <summary>
/// Makes two turns of one conversation, on two instances, collide deterministically. Once <see cref="Arm"/>ed for
/// a key, the first write of that key by each instance is held until every instance has reached its first write
/// (so each has read the state before either wrote it), then they go through one at a time in the order given.
/// Later writes (a retried turn's) pass at once, as does everything before arming. Waits are bounded, so a turn
/// that never comes fails the test.
/// </summary>
internal sealed class WriteGate
{
    private volatile GateRound? _round;

    public void Arm(string key, params string[] order) => _round = new GateRound(key, order);

    /// <summary>The storage of instance <paramref name="instance"/>, with its writes going through this gate.</summary>
    public IStorage Wrap(IStorage inner, string instance) => new GatedStorage(inner, this, instance);

    private sealed class GatedStorage(IStorage inner, WriteGate gate, string instance) : IStorage
    {
        public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) => inner.ReadAsync(keys, cancellationToken);

        public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
        {
            var round = gate._round;
            if (round is null || !changes.ContainsKey(round.Key) || !await round.EnterAsync(instance))
            {
                await inner.WriteAsync(changes, cancellationToken);
                return;
            }

            try
            {
                await inner.WriteAsync(changes, cancellationToken);
            }
            finally
            {
                round.Leave(instance);
            }
        }

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);
    }
}

/// <summary>One armed collision of <see cref="WriteGate"/>.</summary>
internal sealed class GateRound(string key, string[] order)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, TaskCompletionSource> _written = order.ToDictionary(o => o, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    private readonly HashSet<string> _arrived = [];
    private readonly object _lock = new();

    public string Key { get; } = key;

    public async Task<bool> EnterAsync(string instance)
    {
        lock (_lock)
        {
            if (!_arrived.Add(instance))
            {
                return false;
            }

            if (_arrived.Count == order.Length)
            {
                _allArrived.TrySetResult();
            }
        }

        await _allArrived.Task.WaitAsync(Limit);
        foreach (var earlier in order.TakeWhile(o => o != instance))
        {
            await _written[earlier].Task.WaitAsync(Limit);
        }

        return true;
    }

    public void Leave(string instance) => _written[instance].TrySetResult();
}
