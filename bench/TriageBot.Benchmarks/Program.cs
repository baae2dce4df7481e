using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/TriageBot.Benchmarks -- --filter '*'            (default job)
// dotnet run -c Release --project bench/TriageBot.Benchmarks -- --filter '*' --job short (quick look)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
