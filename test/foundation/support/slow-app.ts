import { Controller, Get, Module } from '@nestjs/common';
import { Public } from '../../../src/auth/auth.decorators';
import { CoreModule } from '../../../src/core.module';

/** A request the test holds open, to watch what shutdown does with requests in flight. */
@Public()
@Controller('slow')
export class SlowController {
  static entered = 0;
  static release: () => void = () => undefined;
  private static gate = Promise.resolve();

  static closeGate(): void {
    SlowController.gate = new Promise((r) => (SlowController.release = r));
  }

  @Get()
  async slow(): Promise<{ finished: true }> {
    SlowController.entered += 1;
    await SlowController.gate;
    return { finished: true };
  }
}

@Module({ imports: [CoreModule], controllers: [SlowController] })
export class SlowAppModule {}
