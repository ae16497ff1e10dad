// The server's one Nest module: every provider is listed here (small app, one place to look);
// the configuration comes in from outside (AppModule.forRoot), read once by config/config.ts.
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard.js';
import { SessionController } from './auth/session.controller.js';
import { TokensController } from './auth/tokens.controller.js';
import { TokensService } from './auth/tokens.service.js';
import { SERVER_CONFIG, type ServerConfig } from './config/config.js';
import { Broadcaster } from './console/broadcaster.service.js';
import { ConsoleGateway } from './console/console.gateway.js';
import { ConsoleService } from './console/console.service.js';
import { PrismaService } from './db/prisma.service.js';
import { DisksService } from './disks/disks.service.js';
import { EventsController } from './events/events.controller.js';
import { EventsService } from './events/events.service.js';
import { HealthController } from './health/health.controller.js';
import { MachineController } from './machine/machine.controller.js';
import { MachineService } from './machine/machine.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { WorkerHost } from './machine/worker-host.service.js';
import { RunsController } from './runs/runs.controller.js';
import { RunsService } from './runs/runs.service.js';
import { StartupService } from './startup.service.js';
import { VmRuntime } from './vms/vm-runtime.service.js';
import { VmsController } from './vms/vms.controller.js';
import { VmsService } from './vms/vms.service.js';

@Module({})
export class AppModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, MachineController, VmsController, RunsController, MetricsController, EventsController, TokensController, SessionController],
      providers: [
        { provide: SERVER_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        PrismaService, TokensService, EventsService, MachineService, DisksService, WorkerHost, Broadcaster,
        ConsoleService, RunsService, MetricsService, VmRuntime, VmsService, ConsoleGateway, StartupService,
      ],
    };
  }
}
