using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;

namespace TriageBot.Storage;

/// <summary>Registration of <see cref="SqliteStorage"/>.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteStorage"/> as the <see cref="IStorage"/> (replacing any other), binds
    /// <see cref="SqliteStorageOptions"/> from the <c>Storage</c> section and starts <see cref="StoragePurgeService"/>.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SqliteStorageOptions>()
            .Bind(configuration.GetSection("Storage"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "Storage:DatabasePath is required.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SqliteStorage(sp.GetRequiredService<IOptions<SqliteStorageOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IStorage>(sp => sp.GetRequiredService<SqliteStorage>()));
        services.AddSingleton<IExpiringStorage>(sp => sp.GetRequiredService<SqliteStorage>());
        services.AddStoragePurge(configuration);
        return services;
    }
}
