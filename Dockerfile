# syntax=docker/dockerfile:1
# Sizing API: SDK build stage, chiseled non-root ASP.NET runtime (shape of dotnet-docker samples/aspnetapp/Dockerfile.chiseled).
# scripts/check-publish.sh runs this file's `dotnet restore` and `dotnet publish` lines without Docker.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Restore from the project files first, so the package layer is reused until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Domain/Domain.csproj src/Domain/
COPY src/Api/Api.csproj src/Api/
RUN dotnet restore src/Api/Api.csproj

COPY src/ src/
RUN dotnet publish src/Api/Api.csproj --no-restore -c Release -p:UseAppHost=false -o /app

# Chiseled: no shell, no package manager, runs as the non-root `app` user; no ICU, hence InvariantGlobalization
# (set for every project in Directory.Build.props).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS final
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true
EXPOSE 8080
COPY --from=build /app .
USER $APP_UID
ENTRYPOINT ["dotnet", "Sizing.Api.dll"]
