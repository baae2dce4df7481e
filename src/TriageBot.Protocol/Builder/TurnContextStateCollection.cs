namespace TriageBot.Protocol.Builder;

/// <summary>Per-turn bag of values keyed by name (or by type name).</summary>
public class TurnContextStateCollection : Dictionary<string, object>
{
    /// <summary>Gets the value stored under <paramref name="key"/>, or default.</summary>
    public T? Get<T>(string key) where T : class => TryGetValue(key, out var value) ? value as T : null;

    /// <summary>Gets the value stored under the full name of <typeparamref name="T"/>, or default.</summary>
    public T? Get<T>() where T : class => Get<T>(typeof(T).FullName!);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public void Set<T>(string key, T value) where T : class => this[key] = value;

    /// <summary>Stores <paramref name="value"/> under the full name of <typeparamref name="T"/>.</summary>
    public void Set<T>(T value) where T : class => Set(typeof(T).FullName!, value);
}
