using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/TriageBot.Benchmarks -- --filter '*'            (default job)
// dotnet run -c Release --project bench/TriageBot.Benchmarks -- --filter '*' --job short (quick look)
BenchmarkSwitcher.FromAssembly(typeof(TriageBot.Benchmarks.MatchBenchmarks).Assembly).Run(args);
