using System.Diagnostics;

namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// An append-only list that waiters can block on: each append wakes them, they rescan what is new.
/// Once closed (the stream it is fed from ended), waiters fail at once instead of running out their timeout.
/// </summary>
internal sealed class EventLog<T>
    where T : class
{
    private readonly Lock _gate = new();
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = NewSignal();
    private string? _closedReason;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    /// <summary>Appends an item built from its zero-based position.</summary>
    public void Add(Func<int, T> create)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _items.Add(create(_items.Count));
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    public void Close(string reason)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _closedReason ??= reason;
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Returns the first item at or after <paramref name="fromIndex"/> matching <paramref name="predicate"/>,
    /// or null when <paramref name="timeout"/> passes first.</summary>
    public async Task<T?> WaitForAsync(Func<T, bool> predicate, int fromIndex, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var next = fromIndex;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; next < _items.Count; next++)
                {
                    if (predicate(_items[next]))
                    {
                        return _items[next];
                    }
                }

                if (_closedReason is not null)
                {
                    throw new InvalidOperationException($"Stopped waiting: {_closedReason}");
                }

                changed = _changed.Task;
            }

            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await changed.WaitAsync(remaining, cancellationToken);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
