# Ferry's worker. Build: docker build -t ferry-worker .   (docker-compose.yml builds it for you)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the project's `prepare` would build src/, not copied yet (the build runs below). It skips
# the dependencies' install scripts too, as package.json's allowScripts denies them (npm 10 in this image
# does not read allowScripts).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The console's pages need no build: static files served from beside its compiled server.
COPY src/console/public ./dist/console/public
USER node
CMD ["node", "dist/worker.js"]
