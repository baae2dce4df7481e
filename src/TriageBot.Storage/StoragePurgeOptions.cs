namespace TriageBot.Storage;

/// <summary>Settings of <see cref="StoragePurgeService"/> (configuration section <c>Storage</c>, every persistent provider).</summary>
public class StoragePurgeOptions
{
    /// <summary>How often expired items are purged.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}
