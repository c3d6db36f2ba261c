# The app image: every data generator (node dist/generators/cli.js <dataset> ...) and the payments
# API (node dist/payments/server.js). The stack builds it with NODE_IMAGE from the configuration
# (config/defaults.ts images.nodeBase); the default here is the same pinned image.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

# Compile the TypeScript sources with the full (dev) dependency set.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script at build or run time.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

# Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --chown=root:root package.json ./
COPY --chown=root:root --from=deps /app/node_modules ./node_modules
COPY --chown=root:root --from=build /app/dist ./dist
# Code owned by root, process run as the image's unprivileged user: the app cannot rewrite itself.
USER node
# The stack gives each container its full command (node dist/generators/cli.js <dataset> ... or
# node dist/payments/server.js); without one, the image prints the generator's help.
CMD ["node", "dist/generators/cli.js", "--help"]
