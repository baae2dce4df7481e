using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;

namespace TriageBot.Storage;

/// <summary>The registration the persistent storage providers share.</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from the <c>Storage</c> section, validated at start-up (the caller adds its
    /// rules to the returned builder); registers <typeparamref name="TStorage"/> (made by <paramref name="create"/>, with
    /// <see cref="TimeProvider.System"/> unless another <see cref="TimeProvider"/> is registered) as the
    /// <see cref="IStorage"/>, replacing any other, and as the <see cref="IExpiringStorage"/>; starts
    /// <see cref="StoragePurgeService"/>.
    /// </summary>
    public static OptionsBuilder<TOptions> AddPersistentStorage<TStorage, TOptions>(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IOptions<TOptions>, TimeProvider, TStorage> create)
        where TStorage : class, IExpiringStorage
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<TOptions>()
            .Bind(configuration.GetSection("Storage"))
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => create(sp.GetRequiredService<IOptions<TOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IStorage>(sp => sp.GetRequiredService<TStorage>()));
        services.AddSingleton<IExpiringStorage>(sp => sp.GetRequiredService<TStorage>());
        services.AddStoragePurge(configuration);
        return options;
    }
}
