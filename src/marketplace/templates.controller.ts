import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiTenant, OperatorOnly } from '../auth/auth.decorators';
import {
  CreateTemplateDto,
  TemplateDto,
  TemplatePageDto,
  TemplateQueryDto,
  UpdateTemplateDto,
} from './dto/template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('marketplace')
@ApiTenant()
@Controller('api/marketplace/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({
    summary: 'The catalogue of VE templates, filtered by department, skill or full-text q',
  })
  @ApiOkResponse({ type: TemplatePageDto })
  list(@Query() query: TemplateQueryDto): Promise<TemplatePageDto> {
    return this.templates.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One template' })
  @ApiOkResponse({ type: TemplateDto })
  @ApiNotFoundResponse()
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TemplateDto> {
    return this.templates.get(id);
  }

  @Post()
  @OperatorOnly()
  @ApiOperation({ summary: 'Add a template to the catalogue' })
  @ApiCreatedResponse({ type: TemplateDto })
  create(@Body() dto: CreateTemplateDto): Promise<TemplateDto> {
    return this.templates.create(dto);
  }

  @Patch(':id')
  @OperatorOnly()
  @ApiOperation({ summary: 'Edit a template (VEs already hired keep their own copy)' })
  @ApiOkResponse({ type: TemplateDto })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTemplateDto,
  ): Promise<TemplateDto> {
    return this.templates.update(id, dto);
  }

  @Delete(':id')
  @OperatorOnly()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a template (hired VEs keep running)' })
  @ApiNoContentResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.templates.remove(id);
  }
}
